import Crypto
import Foundation

/// A signed statement of the heads of case histories at one moment: for each case changed
/// since the previous checkpoint, its last event's sequence number and hash. Each event hashes
/// the one before it, so a head vouches for the whole history up to it.
///
/// The service signs with an Ed25519 key the database never sees and writes the checkpoint to
/// a folder the database's users cannot write. A superuser who rewrites events and recomputes
/// every hash after them produces an intact-looking chain, but not the signed head.
///
/// The text form, one item a line: a header, `case <id> <seq> <hash>` lines, and the signature
/// over every byte before it.
public struct HistoryCheckpoint: Sendable, Equatable {
    public struct Head: Sendable, Equatable {
        public let caseID: UUID
        public let seq: Int
        public let hash: Data
    }

    public static let formatLine = "oversight-checkpoint 1"

    public let createdAt: Date
    /// The SHA-256 of the previous checkpoint file ("none" for the first): a removed
    /// checkpoint breaks the sequence.
    public let previous: String
    /// Events of transactions older than this transaction id are all covered (this one and
    /// those before); the next checkpoint starts here.
    public let boundary: Int64
    public let heads: [Head]

    /// The file's name: ordered by boundary.
    public var fileName: String {
        let digits = String(boundary)
        return "checkpoint-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".txt"
    }

    var body: String {
        var text = Self.formatLine + "\n"
        text += "created_at \(ISO8601DateFormatter().string(from: createdAt))\n"
        text += "previous \(previous)\n"
        text += "boundary \(boundary)\n"
        text += "cases \(heads.count)\n"
        for head in heads {
            text += "case \(head.caseID.uuidString.lowercased()) \(head.seq) \(Hex.encode(head.hash))\n"
        }
        return text
    }

    /// The signed file content.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> String {
        let body = self.body
        let signature = try key.signature(for: Data(body.utf8))
        return body + "signature \(signature.base64EncodedString())\n"
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Reads a checkpoint file, refusing it unless `key` signed exactly these bytes.
    public static func read(_ text: String, verifiedWith key: Curve25519.Signing.PublicKey) throws(Invalid) -> HistoryCheckpoint {
        guard let signatureStart = text.range(of: "signature ", options: .backwards) else { throw Invalid(description: "no signature") }
        let body = String(text[..<signatureStart.lowerBound])
        let signatureText = text[signatureStart.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard let signature = Data(base64Encoded: signatureText), key.isValidSignature(signature, for: Data(body.utf8)) else {
            throw Invalid(description: "the signature does not verify with the checkpoint key")
        }
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 5, lines[0] == formatLine,
            let createdAt = lines[1].value(after: "created_at ").flatMap({ ISO8601DateFormatter().date(from: $0) }),
            let previous = lines[2].value(after: "previous "),
            let boundary = lines[3].value(after: "boundary ").flatMap({ Int64($0) }),
            let count = lines[4].value(after: "cases ").flatMap({ Int($0) }), count == lines.count - 5
        else { throw Invalid(description: "not a checkpoint of this service") }
        var heads: [Head] = []
        for line in lines.dropFirst(5) {
            let parts = line.split(separator: " ")
            guard parts.count == 4, parts[0] == "case", let id = UUID(uuidString: String(parts[1])), let seq = Int(parts[2]),
                let hash = Hex.decode(String(parts[3])), hash.count == 32
            else { throw Invalid(description: "malformed line: \(line)") }
            heads.append(Head(caseID: id, seq: seq, hash: hash))
        }
        return HistoryCheckpoint(createdAt: createdAt, previous: previous, boundary: boundary, heads: heads)
    }

    /// The SHA-256 of a checkpoint file's bytes, as the next one names it.
    public static func digest(of text: String) -> String { Hex.encode(SHA256.hash(data: Data(text.utf8))) }
}

/// A checkpoint signing key: Ed25519, as base64 of its 32 raw bytes.
public enum CheckpointKey {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func privateKey(base64 text: String) throws(Invalid) -> Curve25519.Signing.PrivateKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data)
        else { throw Invalid(description: "the checkpoint key is not base64 of 32 bytes (an Ed25519 private key)") }
        return key
    }

    public static func publicKey(base64 text: String) throws(Invalid) -> Curve25519.Signing.PublicKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: data)
        else { throw Invalid(description: "the checkpoint public key is not base64 of 32 bytes (an Ed25519 public key)") }
        return key
    }

    public static func encode(_ key: Curve25519.Signing.PrivateKey) -> String { key.rawRepresentation.base64EncodedString() }
}

extension String {
    fileprivate func value(after prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

extension Hex {
    static func decode(_ text: String) -> Data? {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return Data(bytes)
    }
}
