import Crypto
import Foundation

/// Where a sealed value lives: its table, its column and its row. Bound into the ciphertext
/// as authenticated data, so a ciphertext copied to another row or column does not open.
public struct SealedPlace: Sendable, Hashable {
    let table: String
    let column: String
    let row: String

    public init(_ table: String, _ column: String, row: String) {
        self.table = table
        self.column = column
        self.row = row
    }

    public init(_ table: String, _ column: String, row: UUID) {
        self.init(table, column, row: row.lowercasedText)
    }

    /// The additional authenticated data of the place: "table.column", a zero byte, the row.
    /// (An array: `Data`'s append of a string's bytes is its slow generic path, and a page
    /// of cases builds one of these for every value it opens.)
    var context: [UInt8] {
        var context: [UInt8] = []
        context.reserveCapacity(table.utf8.count + column.utf8.count + row.utf8.count + 2)
        context.append(contentsOf: table.utf8)
        context.append(UInt8(ascii: "."))
        context.append(contentsOf: column.utf8)
        context.append(0)
        context.append(contentsOf: row.utf8)
        return context
    }
}

/// A value that does not open where it was read: altered, or moved from another place.
public struct SealRefused: Error, CustomStringConvertible {
    public let place: SealedPlace
    public var description: String { "\(place.table).\(place.column) of \(place.row) does not open under its case's key" }
}

/// How one case's content is stored: sealed (AES-GCM under a key derived from its data key)
/// once its data key is wrapped; as plain UTF-8 while it is a legacy one (until `oversight keys
/// rotate` seals it) or once it is destroyed (a redacting close or a purge left only what
/// identifies no one).
public struct CaseSeal: Sendable {
    let contentKey: SymmetricKey?

    /// The seal of a case whose data key is `stored` (nil: destroyed).
    public init(_ stored: KeyRing.StoredKey?) {
        contentKey = stored.flatMap { $0.sealsContent ? Self.contentKey(of: $0.key) : nil }
    }

    /// The seal a new case's content is written with.
    public init(newCaseKey key: CaseKey) {
        contentKey = Self.contentKey(of: key)
    }

    init(contentKey: SymmetricKey) {
        self.contentKey = contentKey
    }

    /// No key: content stays as it is (a destroyed key's tombstone).
    public static let plain = CaseSeal(nil)

    public var seals: Bool { contentKey != nil }

    static func contentKey(of key: CaseKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key.key, info: Data("oversight case content v1".utf8), outputByteCount: 32)
    }

    private static let version: UInt8 = 1

    public func seal(_ bytes: some DataProtocol, at place: SealedPlace) -> Data {
        guard let contentKey else { return Data(bytes) }
        let box = try! AES.GCM.seal(bytes, using: contentKey, authenticating: place.context)
        var sealed = Data([Self.version])
        sealed.append(box.combined!)
        return sealed
    }

    public func seal(_ text: String, at place: SealedPlace) -> Data { seal(Data(text.utf8), at: place) }

    public func open(_ stored: Data, at place: SealedPlace) throws(SealRefused) -> Data {
        guard let contentKey else { return stored }
        guard stored.first == Self.version, let box = try? AES.GCM.SealedBox(combined: stored.dropFirst()),
            let plain = try? AES.GCM.open(box, using: contentKey, authenticating: place.context)
        else { throw SealRefused(place: place) }
        return plain
    }

    public func openText(_ stored: Data, at place: SealedPlace) throws(SealRefused) -> String {
        String(decoding: try open(stored, at: place), as: UTF8.self)
    }
}
