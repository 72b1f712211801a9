import ArgumentParser
import Foundation
import OversightSeeding
import OversightServer
import OversightStore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill the database with realistic cases for benchmarks and demos (COPY).",
        discussion: """
            Adds N cases in the proportions of Config/ (most at OIG, few ombuds), states along each \
            workflow, ages up to ten years, 3 to 10 hash-chained events a case, parties, comments \
            and (on an empty directory) 5,000 staff. `oversight verify-audit` passes afterwards.
            """
    )

    @Option(help: "How many cases to add.")
    var cases: Int?

    @Option(help: "Print N search queries drawn from the seeded texts' vocabulary, as people type them, and exit (for the bench).")
    var sampleQueries: Int?

    @Option(help: "Cases per COPY transaction.")
    var batch: Int = 20_000

    @Option(help: "Seed of the generator (the same seed gives the same data).")
    var seed: UInt64 = 20_261_129

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        guard (cases == nil) != (sampleQueries == nil) else { throw ValidationError("give --cases, or --sample-queries alone") }
        guard (cases ?? 1) > 0, (sampleQueries ?? 1) > 0 else { throw ValidationError("--cases and --sample-queries must be positive") }
        guard (100...200_000).contains(batch) else { throw ValidationError("--batch must be from 100 to 200000") }
    }

    func run() async throws {
        if let sampleQueries {
            for query in SeedVocabulary.shared.sampleQueries(sampleQueries, seed: seed) { print(query) }
            return
        }
        guard let cases else { return }
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let configuration = try loadConfiguration(settings.policyDirectory)
        let keys = try loadKeyRing(settings)
        let runtime = try await openDatabase(settings, logger: logger, migrate: true)
        do {
            let catalog = try await WorkflowCatalog.register(configuration, pool: runtime.pool)
            // COPY is the owner's (row security does not let the application login load rows in bulk).
            let report = try await runtime.withOwner { owner in
                try await CaseSeeder(pool: owner, configuration: configuration, catalog: catalog, keys: keys, logger: logger)
                    .seed(cases: cases, batchSize: batch, seed: seed)
            }
            print("seeded \(report.cases) cases and \(report.events) events in \(String(format: "%.1f", report.seconds)) s")
        } catch {
            print("oversight seed: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        await runtime.shutdown()
    }
}
