import ArgumentParser
import Foundation
import Logging
import OversightServer
import OversightStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the key ring that encrypts the cases' content.",
        discussion: """
            Every case's content (title, narrative, filer, messages and notes, answers, the \
            subjects' summaries, attachments) is sealed with its own data key; data keys are \
            wrapped by a key-encryption key of the key ring, which the database never sees. The \
            ring comes from OVERSIGHT_KEY_RING or keys.ring_file (the private development \
            database makes .oversight/key-ring on first use). Lose the ring and no case can be \
            read: back it up apart from the database (SECURITY.md, "Key management").
            """,
        subcommands: [KeysInitCommand.self, KeysStatusCommand.self, KeysRotateCommand.self]
    )
}

/// The key ring the settings name, or a clear error and exit 1.
func loadKeyRing(_ settings: ServiceSettings) throws -> KeyRing {
    do {
        return try KeyRingSetup.resolve(settings)
    } catch {
        FileHandle.standardError.write(Data("oversight: cannot read the key ring: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

struct KeysInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new key ring (an index key and a first key-encryption key) to a file, mode 0600.",
        discussion: "Refuses a file that exists: a replaced ring makes every case written under the old one unreadable."
    )

    @Option(help: "Where to write the ring.")
    var file: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw ValidationError("\(file) exists; a new ring would make every case sealed under it unreadable")
        }
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent.isEmpty ? "." : (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data(KeyRing.generateText().utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(file)")
        }
        print("wrote a new key ring to \(file) (mode 0600); set keys.ring_file (or OVERSIGHT_KEY_RING_FILE) to it")
    }
}

struct KeysStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the ring's key ids and how many cases' data keys each wraps."
    )

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let keys = try loadKeyRing(settings)
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        do {
            let uses = try await KeyRotation(pool: runtime.pool, keys: keys).status()
            await runtime.shutdown()
            print("key ring: \(KeyRingSetup.file(settings) ?? "OVERSIGHT_KEY_RING")")
            for id in keys.keyIDs {
                let count = uses.first { $0.wrappedWith == id }?.cases ?? 0
                print("  \(id)\(id == keys.currentKeyID ? " (current)" : ""): wraps \(count) case key(s)")
            }
            for use in uses where !keys.keyIDs.contains(use.wrappedWith) {
                switch use.wrappedWith {
                case "destroyed": print("  destroyed (purged or redacted cases): \(use.cases)")
                case "unwrapped": print("  not wrapped yet (written before encryption; `oversight keys rotate` seals them): \(use.cases)")
                default: print("  \(use.wrappedWith): wraps \(use.cases) case key(s), NOT IN THE RING: those cases cannot be read")
                }
            }
            let behind = uses.filter { $0.wrappedWith != keys.currentKeyID && $0.wrappedWith != "destroyed" }.map(\.cases).reduce(0, +)
            print(behind == 0 ? "every data key is wrapped with the current key" : "\(behind) data key(s) not under the current key")
        } catch {
            await runtime.shutdown()
            FileHandle.standardError.write(Data("oversight keys status: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Add a key-encryption key to the ring and re-wrap every case's data key with it.",
        discussion: """
            Online: only the wrapping changes, in batches (--batch), each case locked for an \
            instant; cases in use are taken on a later pass. Stopped half-way, run it again \
            with --rewrap-only to finish (`keys status` shows what is left). A case written \
            before encryption has its content sealed as its key is wrapped. Running services \
            read the ring file again when they meet the new key id; restart them to have them \
            wrap new cases' keys with it. Keep the old keys in the ring until every backup \
            that needs them is gone. With the ring in OVERSIGHT_KEY_RING, add the new \
            `kek <id> <base64>` line there yourself (--print-new-key makes one) and run \
            --rewrap-only.
            """
    )

    @Flag(help: "Re-wrap under the ring's current (last) key without adding one.")
    var rewrapOnly = false

    @Flag(help: "Print a new `kek <id> <base64>` line for the ring and exit.")
    var printNewKey = false

    @Option(help: "Data keys re-wrapped per transaction (1 to 10000).")
    var batch = 500

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be from 1 to 10000") }
    }

    func run() async throws {
        let settings = try settingsOptions.load()
        let keys = try loadKeyRing(settings)
        let newID = Self.nextKeyID(after: keys.keyIDs)
        if printNewKey {
            print(KeyRing.newKeyLine(id: newID), terminator: "")
            return
        }
        if !rewrapOnly {
            guard let file = KeyRingSetup.file(settings) else {
                throw ValidationError(
                    "the key ring comes from OVERSIGHT_KEY_RING: add a new key there (--print-new-key makes one), then run --rewrap-only")
            }
            guard let handle = FileHandle(forWritingAtPath: file) else { throw ValidationError("cannot write the key ring \(file)") }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(KeyRing.newKeyLine(id: newID).utf8))
            try handle.close()
            try keys.reloadKeys()
            // Written at once: the rotation's log lines follow on the other stream.
            FileHandle.standardOutput.write(Data("added key \(newID) to \(file)\n".utf8))
        }
        let logger = bootstrapLogging(settings)
        let runtime = try await openDatabase(settings, logger: logger, migrate: false)
        do {
            let started = ContinuousClock.now
            let progress = try await KeyRotation(pool: runtime.pool, keys: keys).rotate(batch: batch) { progress in
                logger.info("re-wrapping", metadata: ["rewrapped": "\(progress.rewrapped)", "sealed": "\(progress.sealed)"])
            }
            await runtime.shutdown()
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            print(
                "re-wrapped \(progress.rewrapped) data key(s) with \(keys.currentKeyID) in \(Int(seconds)) s"
                    + (progress.sealed > 0 ? "; sealed the content of \(progress.sealed) case(s) written before encryption" : ""))
            if progress.skipped > 0 {
                print("\(progress.skipped) case(s) were in use on every pass: run `oversight keys rotate --rewrap-only` again")
                throw ExitCode(3)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            await runtime.shutdown()
            FileHandle.standardError.write(Data("oversight keys rotate: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// "k<n+1>" after the highest "k<n>" of the ring (or after how many keys it holds).
    static func nextKeyID(after ids: [String]) -> String {
        let numbers = ids.compactMap { $0.hasPrefix("k") ? Int($0.dropFirst()) : nil }
        var next = max(numbers.max() ?? 0, ids.count) + 1
        while ids.contains("k\(next)") { next += 1 }
        return "k\(next)"
    }
}
