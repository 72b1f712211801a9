import Foundation
import OversightStore

/// Where the key ring comes from (SECURITY.md, "Key management"): `OVERSIGHT_KEY_RING`, or
/// `keys.ring_file`; with the private development database and neither set, one is made
/// (0600) beside it on first use, as the development token secret is. A configured database
/// without a ring is refused: nothing is ever stored unencrypted for want of a key.
public enum KeyRingSetup {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public static func resolve(_ settings: ServiceSettings) throws -> KeyRing {
        if let text = settings.keyRing { return try KeyRing(text: text) }
        let what = "the key ring"
        if let path = settings.keyRingFile {
            guard let text = try OwnerOnlyFile.read(path, what: what) else {
                throw Missing(description: "keys.ring_file \(path) does not exist (`oversight keys init --file \(path)` makes one)")
            }
            return try KeyRing(text: text) { try OwnerOnlyFile.read(path, what: what) ?? "" }
        }
        guard settings.databaseURL == nil else {
            throw Missing(description: "no key ring: set OVERSIGHT_KEY_RING or keys.ring_file (`oversight keys init` makes one)")
        }
        let path = developmentFile(settings)
        if let text = try OwnerOnlyFile.read(path, what: what) {
            return try KeyRing(text: text) { try OwnerOnlyFile.read(path, what: what) ?? "" }
        }
        let text = KeyRing.generateText()
        try OwnerOnlyFile.create(path, contents: text, what: what)
        return try KeyRing(text: text) { try OwnerOnlyFile.read(path, what: what) ?? "" }
    }

    /// The file the ring is in, when it is in one (the development one included).
    public static func file(_ settings: ServiceSettings) -> String? {
        if settings.keyRing != nil { return nil }
        return settings.keyRingFile ?? (settings.databaseURL == nil ? developmentFile(settings) : nil)
    }

    /// `.oversight/key-ring` beside the private data folder.
    static func developmentFile(_ settings: ServiceSettings) -> String {
        CheckpointSetup.developmentFolder(settings) + "/key-ring"
    }
}
