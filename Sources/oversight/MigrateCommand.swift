import ArgumentParser
import Foundation
import Logging
import OversightServer
import OversightStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations, or list them with --status.",
        discussion: """
            Applies Schema/NNNN_name.sql files not yet recorded in schema_migrations, in order, \
            each in its own transaction, as the schema owner (database.owner_url; the private \
            PostgreSQL's owner login when no database is configured). Several processes may run this at once: they queue on \
            a PostgreSQL advisory lock and each migration is applied exactly once. Exits non-zero \
            when an applied migration's file changed or is missing, naming the file.
            """
    )

    @Flag(help: "List applied and pending migrations and change nothing.")
    var status = false

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let migrations: [Migration]
        do {
            migrations = try Migration.load(from: settings.schemaDirectory)
        } catch {
            print("oversight: \(error)")
            throw ExitCode.failure
        }
        let runtime = try await DatabaseRuntime.start(settings, logger: logger)
        var failed = false
        do {
            if status {
                failed = try await printStatus(Migrator(pool: runtime.pool, migrations: migrations, logger: logger))
            } else {
                // As the schema owner, the only login that may change the schema.
                let applied = try await runtime.withOwner { owner in
                    try await Migrator(pool: owner, migrations: migrations, logger: logger).migrate()
                }
                print(applied.isEmpty ? "schema is up to date" : "applied \(applied.count): " + applied.map(\.fileName).joined(separator: ", "))
            }
        } catch {
            print("oversight: migration failed: \(error)")
            failed = true
        }
        await runtime.shutdown()
        if failed { throw ExitCode.failure }
    }

    /// Prints one line a migration; returns true when something is wrong.
    private func printStatus(_ migrator: Migrator) async throws -> Bool {
        let status = try await migrator.status()
        let formatter = ISO8601DateFormatter()
        print("STATE    MIGRATION                                APPLIED AT")
        for record in status.applied {
            print("applied  \(record.fileName.padding(toLength: 40, withPad: " ", startingAt: 0)) \(formatter.string(from: record.appliedAt))")
        }
        for pending in status.pending {
            print("pending  \(pending.fileName)")
        }
        for problem in status.problems {
            print("ERROR    \(problem)")
        }
        print("\(status.applied.count) applied, \(status.pending.count) pending, \(status.problems.count) problem(s)")
        return !status.problems.isEmpty
    }
}
