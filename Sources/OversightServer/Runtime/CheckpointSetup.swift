import Crypto
import Foundation
import Logging
import OversightStore

/// Where signed checkpoints of the history go and the key that signs them (SECURITY.md,
/// "Tamper evidence"). The key comes from `OVERSIGHT_CHECKPOINT_KEY` or `checkpoint.key_file`;
/// with the private development database and neither set, one is made (0600) beside it, as is
/// the folder. With a configured database and no key or folder, checkpoints are off.
public struct CheckpointSetup: Sendable {
    public let directory: String
    public let key: Curve25519.Signing.PrivateKey

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func resolve(_ settings: ServiceSettings) throws -> CheckpointSetup? {
        let development = settings.databaseURL == nil ? developmentFolder(settings) : nil
        guard let directory = settings.checkpointDirectory ?? development.map({ $0 + "/checkpoints" }) else { return nil }
        let key: Curve25519.Signing.PrivateKey
        if let text = settings.checkpointKey {
            key = try CheckpointKey.privateKey(base64: text)
        } else if let path = settings.checkpointKeyFile ?? development.map({ $0 + "/checkpoint-key" }) {
            key = try readOrMake(path, mayMake: settings.checkpointKeyFile == nil)
        } else {
            return nil
        }
        return CheckpointSetup(directory: directory, key: key)
    }

    /// `.oversight/` beside the private data folder.
    static func developmentFolder(_ settings: ServiceSettings) -> String {
        let parent = (settings.privateDataDirectory as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    static func readOrMake(_ path: String, mayMake: Bool) throws -> Curve25519.Signing.PrivateKey {
        let what = "the checkpoint key"
        if let text = try OwnerOnlyFile.read(path, what: what) { return try CheckpointKey.privateKey(base64: text) }
        guard mayMake else { throw Invalid(description: "checkpoint.key_file \(path) does not exist") }
        let key = Curve25519.Signing.PrivateKey()
        try OwnerOnlyFile.create(path, contents: CheckpointKey.encode(key), what: what)
        return key
    }
}

extension RecurringJob {
    /// Writes a signed checkpoint of the history.
    public static func historyCheckpoint(
        _ checkpoints: HistoryCheckpoints, key: Curve25519.Signing.PrivateKey,
        every interval: Duration, logger: Logger
    ) -> RecurringJob {
        RecurringJob("history checkpoint", every: interval, logger: logger) {
            if let written = try await checkpoints.write(signingWith: key) {
                logger.info(
                    "history checkpoint written", metadata: ["file": "\(written.checkpoint.fileName)", "cases": "\(written.checkpoint.heads.count)"])
            }
        }
    }
}
