import Crypto
import Foundation
import OversightDomain

/// A case's own random key, kept in `case_keys`. The keyed digests of its sensitive facts in
/// its history are made with it (so a reader of the history cannot test guesses of who filed
/// it); destroying it at a redacting close leaves those digests linking the case to no one.
public struct CaseKey: Sendable {
    let key: SymmetricKey

    public static func generate() -> CaseKey { CaseKey(key: SymmetricKey(size: .bits256)) }

    init(key: SymmetricKey) {
        self.key = key
    }

    package init(data: Data) {
        key = SymmetricKey(data: data)
    }

    package var data: Data { key.withUnsafeBytes { Data($0) } }

    /// A keyed digest of `value` that also names `field`, so that equal values in two fields
    /// give different digests.
    func digest(_ field: String, _ value: String) -> String {
        var message = Array(field.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "h:" + Hex.encode(Data(mac).prefix(16))
    }
}

/// The facts of a case row that its history must account for: each event that changes one
/// records its new value (`fact.<name>` in the event's data), so `verify-audit` can replay the
/// history and name any field of the row that an UPDATE changed behind the service's back.
///
/// Values are recorded as `=text` (in clear), `null`, or `h:<digest>` (a keyed digest under
/// the case's key) for the fields that could identify someone or tell the story.
package struct CaseFacts: Equatable, Sendable {
    static let prefix = "fact."
    static let clearFields = [
        "kind", "workflow_version", "office", "state", "category", "priority", "region", "sealed_from", "restricted_to_head",
        "assignee", "outcome", "opened_at", "closed_at",
    ]
    static let keyedFields = ["title", "narrative", "filed_by", "occurred_on", "location", "country_office"]
    static let allFields = clearFields + keyedFields

    /// What a redacting close leaves in the keyed fields. These identify no one, so they are
    /// recorded in clear: the history still verifies after the case's key is destroyed.
    static let redacted: [String: String?] = [
        "title": "(redacted)", "narrative": "", "filed_by": nil, "occurred_on": nil, "location": nil, "country_office": nil,
    ]

    package struct MissingKey: Error {}

    private(set) var values: [String: String?]

    package init(values: [String: String?]) {
        self.values = values
    }

    init(record: CaseRecord) {
        values = [
            "kind": record.kind.rawValue, "workflow_version": String(record.workflowVersionID), "office": record.office.rawValue,
            "state": record.state, "category": record.category, "priority": record.priority.rawValue, "region": record.region,
            "sealed_from": record.sealedFrom.map(\.rawValue).sorted().joined(separator: ","),
            "restricted_to_head": record.restrictedToHead ? "true" : "false", "assignee": record.assignee,
            "outcome": record.outcome, "opened_at": Self.time(record.openedAt), "closed_at": record.closedAt.map(Self.time),
            "title": record.title, "narrative": record.narrative, "filed_by": record.filedBy, "occurred_on": record.occurredOn,
            "location": record.location, "country_office": record.countryOffice,
        ]
    }

    subscript(field: String) -> String? {
        get { values[field] ?? nil }
        set { values[field] = .some(newValue) }
    }

    /// Times as microseconds since 1970, what PostgreSQL keeps.
    package static func time(_ date: Date) -> String { String(CaseEventChain.microseconds(date)) }

    /// The values a redacting close sets.
    mutating func redact() {
        for (field, value) in Self.redacted { self[field] = value }
    }

    /// The event data entries that record what changed since `previous` (every fact when nil).
    package func entries(since previous: CaseFacts?, key: CaseKey?) throws(MissingKey) -> [String: String] {
        var entries: [String: String] = [:]
        for field in Self.allFields {
            let value = self[field]
            if let previous, previous[field] == value { continue }
            entries[Self.prefix + field] = try Self.encode(field, value, key: key)
        }
        return entries
    }

    static func encode(_ field: String, _ value: String?, key: CaseKey?) throws(MissingKey) -> String {
        guard let value else { return "null" }
        guard keyedFields.contains(field), redacted[field] != .some(value) else { return "=" + value }
        guard let key else { throw MissingKey() }
        return key.digest(field, value)
    }

    /// What a history records of each fact: the last entry of each, in order.
    static func recorded(in events: [CaseEvent]) -> [String: String] {
        var recorded: [String: String] = [:]
        for event in events {
            for (name, value) in event.data where name.hasPrefix(prefix) {
                recorded[String(name.dropFirst(prefix.count))] = value
            }
        }
        return recorded
    }

    /// The fields of this row that disagree with what the history records, with why.
    func disagreements(with recorded: [String: String], key: CaseKey?) -> [(field: String, reason: String)] {
        var found: [(String, String)] = []
        for field in Self.allFields {
            guard let history = recorded[field] else {
                found.append((field, "the history never records it"))
                continue
            }
            guard let row = try? Self.encode(field, self[field], key: key) else {
                found.append((field, "cannot be checked: the case's key is gone but the value is not a redacted one"))
                continue
            }
            if row != history { found.append((field, "the row differs from its history")) }
        }
        return found
    }
}

/// Lowercase hex, without `String(format:)` (slow, and Foundation's).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
