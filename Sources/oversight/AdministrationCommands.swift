import ArgumentParser
import Crypto
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
        abstract: "Check every case's history and the case rows against it; exit 1 naming the first broken case.",
        discussion: """
            Recomputes each event's SHA-256 over its content and the hash before it, checks that \
            no event is missing, and replays the facts each history records (office, state, \
            seal, assignee, filer, title, ...) against the case row, naming the field an UPDATE \
            changed behind the service's back. With --checkpoints, also compares every head the \
            service signed (oversight checkpoint) with the database: a superuser who rewrote \
            events and recomputed every hash since is caught there.
            """
    )

    @Option(help: "A folder of signed checkpoints to check the history against.")
    var checkpoints: String?

    @Option(help: "The checkpoints' public key (base64 Ed25519); default: derived from the configured checkpoint key.")
    var publicKey: String?

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        var verifyingKey: Curve25519.Signing.PublicKey?
        if checkpoints != nil {
            do {
                if let publicKey {
                    verifyingKey = try CheckpointKey.publicKey(base64: publicKey)
                } else if let setup = try CheckpointSetup.resolve(settings) {
                    verifyingKey = setup.key.publicKey
                } else {
                    throw ValidationError("no checkpoint key: give --public-key, or configure OVERSIGHT_CHECKPOINT_KEY / checkpoint.key_file")
                }
            } catch let error as ValidationError {
                throw error
            } catch {
                FileHandle.standardError.write(Data("oversight verify-audit: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        let report: AuditReport
        var signed: HistoryCheckpoints.Report?
        do {
            report = try await AuditVerifier(pool: runtime.pool, keys: try loadKeyRing(settings)).verify()
            if let checkpoints, let verifyingKey, report.firstBreak == nil {
                signed = try await HistoryCheckpoints(pool: runtime.pool, directory: checkpoints).verify(with: verifyingKey)
            }
        } catch {
            print("oversight verify-audit: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        await runtime.shutdown()
        let breaks = report.breaks + (signed?.firstBreak.map { [$0] } ?? [])
        if !breaks.isEmpty {
            for broken in breaks {
                print("BROKEN: case \(broken.reference), " + (broken.field.map { "field \($0)" } ?? "event \(broken.seq)") + ": \(broken.reason)")
            }
            print(
                "checked \(report.casesChecked) case(s), \(report.eventsChecked) event(s)"
                    + (signed.map { ", \($0.headsChecked) signed head(s) in \($0.checkpoints) checkpoint(s)" } ?? ""))
            throw ExitCode.failure
        }
        print(
            "intact: \(report.casesChecked) case(s), \(report.eventsChecked) event(s)"
                + (signed.map { "; \($0.headsChecked) signed head(s) in \($0.checkpoints) checkpoint(s) match" } ?? ""))
    }
}

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the heads of every case history changed since the last checkpoint.",
        discussion: """
            Writes checkpoint-<boundary>.txt to checkpoint.dir, signed with the Ed25519 key of \
            OVERSIGHT_CHECKPOINT_KEY or checkpoint.key_file (the private development database \
            makes both under .oversight/). The database never sees the key; keep the folder \
            where its users cannot write. `serve` writes one every checkpoint.interval_seconds. \
            Prints the public key to give `verify-audit --public-key` on another machine.
            """
    )

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let setup: CheckpointSetup
        do {
            guard let resolved = try CheckpointSetup.resolve(settings) else {
                throw CheckpointSetup.Invalid(
                    description: "no checkpoint folder or key: set checkpoint.dir and OVERSIGHT_CHECKPOINT_KEY (or checkpoint.key_file)")
            }
            setup = resolved
        } catch {
            FileHandle.standardError.write(Data("oversight checkpoint: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        do {
            if let written = try await HistoryCheckpoints(pool: runtime.pool, directory: setup.directory).write(signingWith: setup.key) {
                print("signed \(written.checkpoint.heads.count) case head(s): \(written.path)")
            } else {
                print("nothing changed since the last checkpoint in \(setup.directory)")
            }
            print("public key: \(setup.key.publicKey.rawRepresentation.base64EncodedString())")
        } catch {
            print("oversight checkpoint: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        await runtime.shutdown()
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
