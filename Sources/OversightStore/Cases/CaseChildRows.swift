import Foundation
import OversightDomain
import PostgresClient

// The rows that hang off a case, each defined once (columns, encodings) for the store's
// INSERTs and the bulk loader's COPY. `CaseRecord` defines the `cases` row itself.

extension CaseEvent: PostgresTableRow {
    public static let table: StaticString = "case_events"
    public static let columns: [PostgresColumn<CaseEvent>] = [
        .init("case_id") { $0.caseID },
        .init("seq") { Int32($0.seq) },
        .init("kind") { $0.kind },
        .init("actor") { $0.actor },
        .init("at") { $0.at },
        .init("data") { PostgresJSONText(Self.json($0.data)) },
        .init("prev_hash") { $0.prevHash },
        .init("hash") { $0.hash },
    ]

    /// A flat map of texts as a JSON object, keys sorted, written by hand: a bulk load writes
    /// millions and JSONEncoder dominated its profile.
    static func json(_ data: [String: String]) -> String {
        var text = "{"
        for (index, key) in data.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            text += SnapshotDocument.quoted(key) + ":" + SnapshotDocument.quoted(data[key]!)
        }
        return text + "}"
    }
}

/// A `case_keys` row: the case's data key (keyed facts, sealed content), wrapped by the key
/// ring's current key-encryption key; nil once destroyed.
package struct StoredCaseKey: PostgresTableRow {
    package let caseID: UUID
    package let key: Data?
    package let keyID: String?
    package let destroyedAt: Date?

    package init(caseID: UUID, key: CaseKey, keys: KeyRing) {
        self.caseID = caseID
        (keyID, self.key) = keys.wrap(key, for: caseID)
        self.destroyedAt = nil
    }

    package static let table: StaticString = "case_keys"
    package static let columns: [PostgresColumn<StoredCaseKey>] = [
        .init("case_id") { $0.caseID },
        .init("key") { $0.key },
        .init("destroyed_at") { $0.destroyedAt },
        .init("key_id") { $0.keyID },
    ]
}

/// A `case_search` row: the blind index's tags of a case's words.
package struct CaseSearchRow: PostgresTableRow {
    package let caseID: UUID
    package let office: String
    package let openedAt: Date
    package let tags: [Int64]

    package init(caseID: UUID, office: String, openedAt: Date, tags: [Int64]) {
        self.caseID = caseID
        self.office = office
        self.openedAt = openedAt
        self.tags = tags
    }

    package static let table: StaticString = "case_search"
    package static let columns: [PostgresColumn<CaseSearchRow>] = [
        .init("case_id") { $0.caseID },
        .init("office") { $0.office },
        .init("opened_at") { $0.openedAt },
        .init("tags") { $0.tags },
    ]
}

/// A `case_parties` row: a person named on a case, in one role.
package struct CasePartyRow: PostgresTableRow {
    package let caseID: UUID
    package let personID: String
    package let role: PartyRole
    package let addedBy: String?
    package let addedAt: Date

    package init(caseID: UUID, personID: String, role: PartyRole, addedBy: String?, addedAt: Date) {
        self.caseID = caseID
        self.personID = personID
        self.role = role
        self.addedBy = addedBy
        self.addedAt = addedAt
    }

    package static let table: StaticString = "case_parties"
    package static let columns: [PostgresColumn<CasePartyRow>] = [
        .init("case_id") { $0.caseID },
        .init("person_id") { $0.personID },
        .init("role") { $0.role.rawValue },
        .init("added_by") { $0.addedBy },
        .init("added_at") { $0.addedAt },
    ]
}

/// A `comments` row: a comment with the case it belongs to, its body sealed under the case's key.
package struct CaseCommentRow: PostgresTableRow {
    package let caseID: UUID
    package let comment: CaseComment
    let seal: CaseSeal

    package init(caseID: UUID, comment: CaseComment, seal: CaseSeal) {
        self.caseID = caseID
        self.comment = comment
        self.seal = seal
    }

    static func place(_ commentID: UUID) -> SealedPlace { SealedPlace("comments", "body", row: commentID) }

    package static let table: StaticString = "comments"
    package static let columns: [PostgresColumn<CaseCommentRow>] = [
        .init("id") { $0.comment.id },
        .init("case_id") { $0.caseID },
        .init("author") { $0.comment.author },
        .init("visibility") { $0.comment.visibility.rawValue },
        .init("body") { $0.seal.seal($0.comment.body, at: Self.place($0.comment.id)) },
        .init("created_at") { $0.comment.createdAt },
    ]
}
