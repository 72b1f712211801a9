import Crypto
import Foundation

/// One entry of a case's history, as hashed. `data` is a flat map of texts so that its
/// canonical form is unambiguous: what the chain hashes never depends on how jsonb happens
/// to order or format it.
public struct CaseEvent: Sendable, Hashable {
    public let caseID: UUID
    public let seq: Int
    public let kind: String
    public let actor: String
    public let at: Date
    public let data: [String: String]
    public let prevHash: Data
    public let hash: Data

    public init(caseID: UUID, seq: Int, kind: String, actor: String, at: Date, data: [String: String], prevHash: Data, hash: Data) {
        self.caseID = caseID
        self.seq = seq
        self.kind = kind
        self.actor = actor
        self.at = at
        self.data = data
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The hash chain of a case's history: each event's hash is SHA-256 over a canonical,
/// length-prefixed encoding of the event and the hash before it, so changing, removing or
/// reordering any event breaks every hash after it.
public enum CaseEventChain {
    /// Builds the next event of a chain whose head is `(seq, hash)`.
    public static func append(
        caseID: UUID, after previous: (seq: Int, hash: Data), kind: String, actor: String, at: Date, data: [String: String]
    ) -> CaseEvent {
        let seq = previous.seq + 1
        let at = microsecondPrecision(at)
        let hash = digest(caseID: caseID, seq: seq, kind: kind, actor: actor, at: at, data: data, prevHash: previous.hash)
        return CaseEvent(caseID: caseID, seq: seq, kind: kind, actor: actor, at: at, data: data, prevHash: previous.hash, hash: hash)
    }

    /// The hash an event should carry.
    public static func digest(
        caseID: UUID, seq: Int, kind: String, actor: String, at: Date, data: [String: String], prevHash: Data
    ) -> Data {
        var encoding: [UInt8] = []
        encoding.reserveCapacity(256)
        func field(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                appendLength(bytes.count)
                encoding.append(contentsOf: bytes)
            }
        }
        func appendLength(_ count: Int) {
            let length = UInt32(count)
            encoding.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        }
        field("oversight.case_event.v1")
        field(caseID.uuidString.lowercased())
        field(String(seq))
        field(kind)
        field(actor)
        field(String(microseconds(at)))
        field(String(data.count))
        for key in data.keys.sorted() {
            field(key)
            field(data[key]!)
        }
        appendLength(prevHash.count)
        encoding.append(contentsOf: prevHash)
        return Data(SHA256.hash(data: encoding))
    }

    /// Whether an event's stored hash matches its content and predecessor.
    public static func isIntact(_ event: CaseEvent) -> Bool {
        digest(
            caseID: event.caseID, seq: event.seq, kind: event.kind, actor: event.actor, at: event.at,
            data: event.data, prevHash: event.prevHash) == event.hash
    }

    /// PostgreSQL keeps microseconds; the hash must be over what it keeps.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    package static func microsecondPrecision(_ date: Date) -> Date {
        let micro = microseconds(date)
        let seconds = micro.quotientAndRemainder(dividingBy: 1_000_000)
        return Date(timeIntervalSince1970: Double(seconds.quotient) + Double(seconds.remainder) / 1_000_000)
    }
}
