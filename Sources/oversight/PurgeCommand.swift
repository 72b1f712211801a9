import ArgumentParser
import Foundation
import OversightServer
import OversightStore

struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Destroy the content of closed cases past their retention period (Config/retention.yaml).",
        discussion: """
            A purged case keeps its tombstone (kind, office, region, category, dates, outcome), \
            which the reports still count, and its history, which still verifies; its title, \
            narrative, filer, named people, notes and messages, answers, attachments and key \
            are gone. A case under a legal hold is left alone. `serve` does the same every hour \
            while its deadline sweep runs; this command runs it now, in batches, until none is left.
            """
    )

    @Flag(help: "Count the cases a purge would destroy; change nothing.")
    var dryRun = false

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let configuration = try loadConfiguration(settings.policyDirectory)
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        do {
            let catalog = try await WorkflowCatalog.register(configuration, pool: runtime.pool)
            let store = CaseStore(
                pool: runtime.pool, configuration: configuration, catalog: catalog, keyRing: try loadKeyRing(settings), logger: logger)
            if dryRun {
                print("\(try await store.expiredCaseCount()) case(s) past their retention period and not under a legal hold")
            } else {
                var total = 0
                var purged = 0
                repeat {
                    purged = try await store.purgeExpired()
                    total += purged
                } while purged > 0
                print("purged \(total) case(s) past their retention period")
            }
        } catch {
            print("oversight purge: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        await runtime.shutdown()
    }
}
