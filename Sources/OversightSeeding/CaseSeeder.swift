import Foundation
import Logging
import OversightDomain
import OversightStore
import PostgresClient

/// Fills a database with realistic cases for benchmarks and demos, through `COPY`: the
/// offices, kinds and categories of `Config/` in plausible proportions (most at OIG, few
/// ombuds), states spread along each workflow, ages up to ten years, 3 to 10 events a case
/// with valid hash chains, parties, comments, and a staff directory. Deterministic for a
/// given seed.
public struct CaseSeeder: Sendable {
    public let pool: PostgresPool
    public let configuration: OversightConfiguration
    public let catalog: WorkflowCatalog
    let logger: Logger

    public let keys: KeyRing

    public init(pool: PostgresPool, configuration: OversightConfiguration, catalog: WorkflowCatalog, keys: KeyRing, logger: Logger) {
        self.keys = keys
        self.pool = pool
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
    }

    /// The share of each category among filings; the rest of routing.yaml's categories share
    /// what is left equally.
    static let categoryWeights: [String: Double] = [
        "fraud": 18, "corruption": 6, "theft": 6, "misuse_of_assets": 8, "sexual_exploitation_and_abuse": 3, "sexual_harassment": 4,
        "harassment": 10, "abuse_of_authority": 9, "other_misconduct": 8, "retaliation": 5, "ethics_question": 9,
        "workplace_concern": 3, "evaluation_request": 3, "personal_data_breach": 2, "security_incident": 2, "threat_to_safety": 1,
    ]

    public struct Report: Sendable {
        public let cases: Int
        public let events: Int
        public let seconds: Double
    }

    /// Adds `count` cases (and, on an empty directory, 5,000 staff), in batches of `batchSize`.
    public func seed(cases count: Int, batchSize: Int = 20_000, seed: UInt64 = 20_261_129, now: Date = Date()) async throws -> Report {
        let started = ContinuousClock.now
        // Adding to a seeded database must not draw the same ids and references again: the
        // generator's seed is mixed with the number of cases already there. (Mixed, not added:
        // SplitMix64 walks seed + k * gamma, so a seed offset by a multiple of gamma would
        // replay the same sequence shifted.)
        let loader = BulkCaseLoad(pool: pool)
        let existing = try await loader.caseCount()
        var mixer = SplitMix64(seed: seed ^ UInt64(existing))
        var generator = SeedGenerator(configuration: configuration, catalog: catalog, keys: keys, seed: existing == 0 ? seed : mixer.next(), now: now)
        try await seedDirectory(&generator)
        var written = 0
        var events = 0
        // Generation (Swift, one core) overlaps with COPY (PostgreSQL, the other core): the
        // next batch is made while the previous one loads.
        let sizes = stride(from: 0, to: count, by: batchSize).map { min(batchSize, count - $0) }
        var pending: Task<(SeedGenerator.Batch, SeedGenerator), Never>?
        func makeBatch(_ size: Int, _ generator: SeedGenerator) -> Task<(SeedGenerator.Batch, SeedGenerator), Never> {
            Task {
                var generator = generator
                let batch = generator.batch(size)
                return (batch, generator)
            }
        }
        for (index, size) in sizes.enumerated() {
            let (batch, nextGenerator) = await (pending ?? makeBatch(size, generator)).value
            generator = nextGenerator
            pending = index + 1 < sizes.count ? makeBatch(sizes[index + 1], generator) : nil
            events += batch.events.rowCount
            try await loader.load(batch)
            written += size
            logger.info("seeded", metadata: ["cases": "\(written)/\(count)", "events": "\(events)"])
        }
        let cells = try await loader.rebuildReportRollups()
        logger.info("report rollups rebuilt", metadata: ["cells": "\(cells)"])
        try await loader.analyze()
        let elapsed = ContinuousClock.now - started
        return Report(cases: count, events: events, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private func seedDirectory(_ generator: inout SeedGenerator) async throws {
        let staff = try await BulkCaseLoad(pool: pool).staff()
        guard staff.isEmpty else {
            generator.staff = staff
            return
        }
        let directory = generator.directory(size: 5_000)
        try await StaffDirectory(pool: pool).importEntries(directory)
    }
}
