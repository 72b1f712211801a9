import ArgumentParser
import Foundation
import OversightServer
import OversightStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a development bearer token.",
        discussion: """
            Signs with OVERSIGHT_JWT_SECRET, or with the private database's development secret \
            (.oversight/dev-jwt-secret) when nothing is configured. Refuses when only a JWKS is \
            configured: production tokens come from the identity provider.

            Example: oversight token --sub alice --name "Alice Staff" --role HR:staff
            """
    )

    @Option(help: "The person's id (the token's subject).")
    var sub: String

    @Option(help: "Display name.")
    var name: String?

    @Option(help: "OFFICE:role, repeatable; role is staff, officer, lead, head, executive, report_reader or admin.")
    var role: [String] = []

    @Option(help: "Lifetime in hours.")
    var hours: Int = 8

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        guard !role.isEmpty else { throw ValidationError("give at least one --role OFFICE:role") }
        guard (1...720).contains(hours) else { throw ValidationError("--hours must be from 1 to 720") }
    }

    func run() async throws {
        let settings = try settingsOptions.load()
        do {
            let keys = try await TokenKeys.resolve(settings, developmentSecretFile: developmentSecretFile(settings))
            print(try await keys.mint(subject: sub, name: name, roles: role, lifetime: .seconds(hours * 3600)))
        } catch {
            FileHandle.standardError.write(Data("oversight token: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

struct VerifyAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-audit",
        abstract: "Check every case's hash-chained history; exit 1 naming the first broken case and event.",
        discussion: "Recomputes each event's SHA-256 over its content and the hash before it, and checks that no event is missing."
    )

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        let report: AuditReport
        do {
            report = try await AuditVerifier(pool: runtime.pool).verify()
        } catch {
            print("oversight verify-audit: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        await runtime.shutdown()
        if let broken = report.firstBreak {
            print("BROKEN: case \(broken.reference), event \(broken.seq): \(broken.reason)")
            print("checked \(report.casesChecked) case(s), \(report.eventsChecked) event(s) before the break")
            throw ExitCode.failure
        }
        print("intact: \(report.casesChecked) case(s), \(report.eventsChecked) event(s)")
    }
}

struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Manage the staff directory used for conflict routing.",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load person_id,display_name,office,heads_office,is_director_general rows from a CSV file.",
            discussion: "Entries are added or replaced; people not in the file stay. A demo file ships in Config/demo/staff_directory.csv."
        )

        @Argument(help: "The CSV file.")
        var file: String

        @OptionGroup var settingsOptions: SettingsOptions

        func run() async throws {
            let settings = try settingsOptions.load()
            let entries: [DirectoryEntry]
            do {
                entries = try DirectoryEntry.parseCSV(try String(contentsOfFile: file, encoding: .utf8))
            } catch {
                FileHandle.standardError.write(Data("oversight directory import: \(file): \(error)\n".utf8))
                throw ExitCode.failure
            }
            let logger = bootstrapLogging(settings)
            let runtime = try await openDatabase(settings, logger: logger, migrate: true)
            do {
                // An administrative load, as the schema owner: the service's own login may only read the directory.
                let count = try await runtime.withOwner { owner in try await StaffDirectory(pool: owner).importEntries(entries) }
                print("imported \(count) directory entries from \(file)")
            } catch {
                print("oversight directory import: \(error)")
                await runtime.shutdown()
                throw ExitCode.failure
            }
            await runtime.shutdown()
        }
    }
}
