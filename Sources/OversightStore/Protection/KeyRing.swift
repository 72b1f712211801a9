import Crypto
import Foundation
import Synchronization

/// The keys that never enter the database (SECURITY.md, "Key management"): the key-encryption
/// keys that wrap every case's data key, each with an id, the last one wrapping new data keys;
/// and the index key behind the keyed tags that let row security and search compare what is
/// stored encrypted (who filed a case, the words of a case).
///
/// Read from `OVERSIGHT_KEY_RING` or from an owner-only file (`KeyRingFile`). A ring read from
/// a file reads it again when it meets a key id it does not know, so that a service keeps
/// reading the data keys `oversight keys rotate` re-wrapped under a key added after it started.
public final class KeyRing: Sendable {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// A data key that cannot be unwrapped: an unknown key id, or a wrapped key that does not
    /// belong to this case (moved from another row) or was altered.
    public struct UnwrapRefused: Error, CustomStringConvertible {
        public let description: String
    }

    struct Keys: Sendable {
        var encryption: [(id: String, key: SymmetricKey)]
        var index: SymmetricKey
    }

    private let keys: Mutex<Keys>
    private let reload: (@Sendable () throws -> String)?
    private let contentKeys = Mutex<[ContentKeyUse: SymmetricKey]>([:])

    /// A ring from its text (see `parse`); `reload` gives the text again when an unknown key
    /// id is met.
    public init(text: String, reload: (@Sendable () throws -> String)? = nil) throws {
        keys = Mutex(try Self.parse(text))
        self.reload = reload
    }

    /// A new ring of one key-encryption key and an index key, as text to keep.
    public static func generateText(firstKeyID: String = "k1") -> String {
        """
        # Oversight key ring: keep it owner-only and back it up apart from the database.
        # Without it no case's content can be read. One key per line:
        #   index <base64>      keys the tags row security and search compare (never rotated)
        #   kek <id> <base64>   a key-encryption key (the last one wraps new data keys)
        index \(newKeyBase64())
        kek \(firstKeyID) \(newKeyBase64())

        """
    }

    /// A line adding a new key-encryption key, to append to the ring's text.
    public static func newKeyLine(id: String) -> String { "kek \(id) \(newKeyBase64())\n" }

    static func newKeyBase64() -> String { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } }

    static func parse(_ text: String) throws -> Keys {
        var encryption: [(id: String, key: SymmetricKey)] = []
        var index: SymmetricKey?
        // The environment variable may hold the lines separated by ';' (comments end a line).
        let lines = text.split(separator: "\n").flatMap { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? [] : line.split(separator: ";")
        }
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            func key(_ text: String) throws -> SymmetricKey {
                guard let data = Data(base64Encoded: text), data.count == 32 else {
                    throw Invalid("key ring entry \(number + 1): the key is not 32 bytes of base64")
                }
                return SymmetricKey(data: data)
            }
            switch (fields.first, fields.count) {
            case ("index", 2):
                guard index == nil else { throw Invalid("key ring entry \(number + 1): a second index key") }
                index = try key(fields[1])
            case ("kek", 3):
                let id = fields[1]
                guard id.utf8.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw Invalid("key ring entry \(number + 1): a key id is letters, digits, '-' and '_', at most 64")
                }
                guard !encryption.contains(where: { $0.id == id }) else { throw Invalid("key ring entry \(number + 1): key id \(id) twice") }
                encryption.append((id, try key(fields[2])))
            default:
                throw Invalid("key ring entry \(number + 1): expected `index <base64>` or `kek <id> <base64>`")
            }
        }
        guard let index else { throw Invalid("the key ring has no index key (`index <base64>`)") }
        guard !encryption.isEmpty else { throw Invalid("the key ring has no key-encryption key (`kek <id> <base64>`)") }
        return Keys(encryption: encryption, index: index)
    }

    /// The id of the key new data keys are wrapped with.
    public var currentKeyID: String { keys.withLock { $0.encryption.last!.id } }

    /// Every key id the ring holds, oldest first.
    public var keyIDs: [String] { keys.withLock { $0.encryption.map(\.id) } }

    /// Reads the ring's source again (a key added since); false when it has none.
    @discardableResult
    public func reloadKeys() throws -> Bool {
        guard let reload else { return false }
        let fresh = try Self.parse(try reload())
        keys.withLock { $0 = fresh }
        return true
    }

    // MARK: - Data keys

    private static let wrapVersion: UInt8 = 1

    /// `key` wrapped for the case's `case_keys` row: version, key id, AES-GCM box. The box is
    /// bound to the case and the key id, so a wrapped key moved to another case is refused.
    public func wrap(_ key: CaseKey, for caseID: UUID) -> (keyID: String, wrapped: Data) {
        let (id, kek) = keys.withLock { $0.encryption.last! }
        let box = try! AES.GCM.seal(key.data, using: kek, authenticating: Self.wrapContext(caseID, id))
        var wrapped = Data([Self.wrapVersion, UInt8(id.utf8.count)])
        wrapped.append(contentsOf: id.utf8)
        wrapped.append(box.combined!)
        return (id, wrapped)
    }

    /// The stored form of a data key: wrapped, or (before `oversight keys rotate` first ran on
    /// a database older than encryption) the 32 bytes themselves.
    public enum StoredKey: Sendable {
        case wrapped(CaseKey, keyID: String)
        case legacy(CaseKey)

        public var key: CaseKey {
            switch self {
            case .wrapped(let key, _), .legacy(let key): key
            }
        }

        /// Whether the case's content is stored sealed (it is exactly when its key is wrapped).
        public var sealsContent: Bool { if case .wrapped = self { true } else { false } }
    }

    /// Unwraps a `case_keys.key` value of `caseID`.
    public func unwrap(_ stored: Data, for caseID: UUID) throws -> StoredKey {
        if stored.count == 32 { return .legacy(CaseKey(data: stored)) }
        let bytes = [UInt8](stored)
        guard bytes.count > 2, bytes[0] == Self.wrapVersion, bytes.count > 2 + Int(bytes[1]) + 28 else {
            throw UnwrapRefused(description: "case \(caseID): the stored data key is not one this service wraps")
        }
        let id = String(decoding: bytes[2..<(2 + Int(bytes[1]))], as: UTF8.self)
        var kek = keys.withLock { keys in keys.encryption.first { $0.id == id }?.key }
        if kek == nil, (try? reloadKeys()) == true {
            kek = keys.withLock { keys in keys.encryption.first { $0.id == id }?.key }
        }
        guard let kek else { throw UnwrapRefused(description: "case \(caseID): its data key is wrapped with key \(id), not in the key ring") }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(bytes[(2 + Int(bytes[1]))...]))
            let plain = try AES.GCM.open(box, using: kek, authenticating: Self.wrapContext(caseID, id))
            return .wrapped(CaseKey(data: plain), keyID: id)
        } catch {
            throw UnwrapRefused(description: "case \(caseID): its data key does not open with key \(id) (altered, or another case's)")
        }
    }

    /// What a read of a case's `case_keys.key` found, as the store selects it
    /// (`coalesce(key, '\\x')`): the empty value of a destroyed key, or nil when no key row
    /// was visible, which is refused rather than taken as a case stored in plain.
    public func storedKey(_ selected: Data?, for caseID: UUID) throws -> StoredKey? {
        guard let selected else { throw UnwrapRefused(description: "case \(caseID): no data key visible to this reader") }
        return selected.isEmpty ? nil : try unwrap(selected, for: caseID)
    }

    /// The seal of a case's content from its selected key (see `storedKey`). The content keys
    /// of cases read lately are kept (by case and wrapped key, so a key moved to another case
    /// is still unwrapped, and refused): unwrapping and deriving took a tenth of a list page's
    /// time. They are no more exposed than the ring itself, which this process holds.
    public func seal(_ selected: Data?, for caseID: UUID) throws -> CaseSeal {
        guard let selected, !selected.isEmpty, selected.count != 32 else { return CaseSeal(try storedKey(selected, for: caseID)) }
        let known = ContentKeyUse(caseID: caseID, wrapped: selected)
        if let key = contentKeys.withLock({ $0[known] }) { return CaseSeal(contentKey: key) }
        let seal = CaseSeal(try storedKey(selected, for: caseID))
        if let key = seal.contentKey {
            contentKeys.withLock { keys in
                if keys.count >= Self.contentKeysKept { keys.removeAll(keepingCapacity: true) }
                keys[known] = key
            }
        }
        return seal
    }

    /// How many content keys are kept: about a megabyte.
    static let contentKeysKept = 4_096

    struct ContentKeyUse: Hashable {
        let caseID: UUID
        let wrapped: Data
    }

    static func wrapContext(_ caseID: UUID, _ keyID: String) -> Data {
        Data("case_keys.key\u{0}\(caseID.lowercasedText)\u{0}\(keyID)".utf8)
    }

    // MARK: - Tags

    /// The tag `cases.filed_by` holds for the person `personID`: what row security, the filing
    /// limit and "my filings" compare, without the id itself in the database.
    public func filerTag(_ personID: String) -> String { "t:" + tag("filer", personID) }

    /// A keyed tag of `value` in `purpose`'s own space (two purposes never share tags).
    public func tag(_ purpose: String, _ value: String) -> String { Hex.encode(mac(purpose, value).prefix(16)) }

    /// The same, 64 bits of it as a number: the search index's (a collision costs a false
    /// candidate, which the other words and row security then judge, never a leak).
    public func tagBits(_ purpose: String, _ value: String) -> Int64 {
        mac(purpose, value).prefix(8).reduce(0) { ($0 << 8) | Int64($1) }
    }

    private func mac(_ purpose: String, _ value: String) -> Data {
        var message = Array(purpose.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        let index = keys.withLock { $0.index }
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: index))
    }
}
