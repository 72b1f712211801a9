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

    public init(pool: PostgresPool, configuration: OversightConfiguration, catalog: WorkflowCatalog, logger: Logger) {
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
        let existing = try await pool.withTransaction { connection in
            try SessionScope.system(.auditor).apply(sharingOffices: [], connection)
            return try connection.query("SELECT count(*) AS n FROM cases")[0].decode("n", as: Int.self)
        }
        var mixer = SplitMix64(seed: seed ^ UInt64(existing))
        var generator = SeedGenerator(configuration: configuration, catalog: catalog, seed: existing == 0 ? seed : mixer.next(), now: now)
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
            events += batch.eventCount
            let (cases, keys, parties, eventRows, comments) = (
                batch.cases.bytes, batch.keys.bytes, batch.parties.bytes, batch.events.bytes, batch.comments.bytes
            )
            try await pool.withTransaction { connection in
                try connection.execute("SET LOCAL synchronous_commit = off")
                // COPY cannot load a table whose row security applies to the loader. The owner
                // lifts FORCE for this transaction only (DDL is transactional: no other session
                // ever sees it lifted) and restores it before committing.
                try connection.run(
                    PostgresScript(
                        """
                        ALTER TABLE cases NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys NO FORCE ROW LEVEL SECURITY;
                        ALTER TABLE case_parties NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_events NO FORCE ROW LEVEL SECURITY;
                        ALTER TABLE comments NO FORCE ROW LEVEL SECURITY
                        """))
                try connection.copyFromStdin(
                    """
                    COPY cases (id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title,
                        narrative, region, country_office, filed_by, assignee, routing_rule, snapshot, due_at, next_escalation_at,
                        opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, subject_ids) FROM STDIN
                    """, data: cases)
                try connection.copyFromStdin("COPY case_keys (case_id, key) FROM STDIN", data: keys)
                try connection.copyFromStdin("COPY case_parties (case_id, person_id, role, added_by, added_at) FROM STDIN", data: parties)
                try connection.copyFromStdin("COPY case_events (case_id, seq, kind, actor, at, data, prev_hash, hash) FROM STDIN", data: eventRows)
                try connection.copyFromStdin("COPY comments (id, case_id, author, visibility, body, created_at) FROM STDIN", data: comments)
                try connection.run(
                    PostgresScript(
                        """
                        ALTER TABLE cases FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys FORCE ROW LEVEL SECURITY;
                        ALTER TABLE case_parties FORCE ROW LEVEL SECURITY; ALTER TABLE case_events FORCE ROW LEVEL SECURITY;
                        ALTER TABLE comments FORCE ROW LEVEL SECURITY
                        """))
            }
            written += size
            logger.info("seeded", metadata: ["cases": "\(written)/\(count)", "events": "\(events)"])
        }
        try await pool.query("ANALYZE cases")
        try await pool.query("ANALYZE case_events")
        try await pool.query("ANALYZE case_parties")
        let elapsed = ContinuousClock.now - started
        return Report(cases: count, events: events, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private func seedDirectory(_ generator: inout SeedGenerator) async throws {
        let existing = try await pool.query("SELECT count(*) AS n FROM staff_directory")[0].decode("n", as: Int.self)
        guard existing == 0 else {
            generator.staff = try await pool.query("SELECT person_id, office FROM staff_directory").map {
                (try $0.decode("person_id", as: String.self), try $0.decode("office", as: String.self))
            }
            return
        }
        let directory = generator.directory(size: 5_000)
        try await StaffDirectory(pool: pool).importEntries(directory)
    }
}
