import Foundation
import OversightDomain
import PostgresClient

/// A note on a case: internal (case workers only) or a message to or from the reporter.
public struct CaseComment: Sendable, Hashable {
    public enum Visibility: String, Sendable, Codable, CaseIterable {
        case `internal`
        case reporter
    }

    public let id: UUID
    /// The author's id, or "reporter" for the reporter's own messages: who reported is
    /// need-to-know, and comments are read by every officer of a sharing office.
    public let author: String
    public let visibility: Visibility
    public let body: String
    public let createdAt: Date
    /// For the reporter of a report that opened cases at several offices: the other case a
    /// message belongs to (nil for the case asked about).
    public let reference: String?

    package init(id: UUID, author: String, visibility: Visibility, body: String, createdAt: Date, reference: String? = nil) {
        self.id = id
        self.author = author
        self.visibility = visibility
        self.body = body
        self.createdAt = createdAt
        self.reference = reference
    }
}

/// A party to a case as stored.
public struct StoredParty: Sendable, Hashable {
    public let personID: String
    public let role: PartyRole
    public let addedBy: String?
    public let addedAt: Date
}

/// One page of a list, and where the next one starts (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let next: String?
}

extension CaseStore {
    public static let defaultListLimit = 50

    /// Adds a comment. The reporter may only write to the reporter thread, and is recorded as
    /// "reporter"; case workers may write either. A message to the reporter counts as the
    /// periodic feedback owed; a message either way changes the reporter view's version.
    public func addComment(
        _ reference: String, body: String, visibility: CaseComment.Visibility, by actor: Actor, at time: Date? = nil
    ) async throws -> CaseComment {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            let needed: CaseAction = visibility == .internal ? .comment : .messageReporter
            guard access.allows(needed) else { throw CaseStoreError.forbidden(needed) }
            let author = access.writesAsReporter ? EventActor.reporter : actor.id
            let comment = CaseComment(id: UUID(), author: author, visibility: visibility, body: body, createdAt: now)
            try connection.execute(CaseCommentRow(caseID: record.id, comment: comment, seal: record.seal).insert())
            try store.indexMore(record.id, text: body, connection)
            let head = try Self.appendEvents(
                [NewEvent("comment", ["comment_id": comment.id.uuidString.lowercased(), "visibility": visibility.rawValue])],
                to: record.id, after: (record.eventSeq, record.eventHash), actor: author, at: now, connection)
            var snapshot = record.snapshot
            let feedback = visibility == .reporter && !access.writesAsReporter
            if feedback {
                if snapshot.acknowledgedAt == nil { snapshot.acknowledgedAt = now }
                snapshot.lastReporterUpdateAt = now
                Self.enqueue("notify_reporter", caseID: record.id, payload: ["reference": record.reference, "message": "new"], connection)
            }
            let due = store.earliestDue(snapshot, workflow: try store.workflow(of: record))
            try connection.execute(
                """
                UPDATE cases SET snapshot = \(PostgresJSON(record.stored(snapshot))), due_at = \(due), next_escalation_at = \(due),
                    version = version + 1, reporter_version = reporter_version + \(visibility == .reporter ? 1 : 0),
                    event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """)
            return comment
        }
    }

    /// The comments `actor` may read, oldest first: the reporter thread only, unless they work
    /// the case. To the reporter, the office's side of the thread is signed "office". The
    /// reporter of a report that opened cases at several offices reads one thread: the
    /// messages of all of them, each office still reading only its own case's.
    public func comments(_ reference: String, for actor: Actor, after cursor: String? = nil, limit: Int = defaultListLimit) async throws -> Page<
        CaseComment
    > {
        let position = try cursor.map(ListCursor.init(timeAndID:))
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        let store = self
        let (access, others, rows) = try await transaction(.person(actor)) { connection in
            guard let record = try store.load(reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            let access = store.checkedAccess(actor, to: record)
            guard access.discloses(.reporterThread) else { throw CaseStoreError.notFound }
            let onlyReporterThread = !access.discloses(.internalThread)
            var others: [UUID: String] = [:]
            if access.writesAsReporter {
                // The report's other cases: links a reporter may not read themselves.
                SessionScope.system(.intake).apply(sharingOffices: store.sharingOffices, connection)
                for row in try connection.query(
                    "SELECT linked_case_id, linked_reference FROM case_links WHERE case_id = \(record.id) AND relation = 'reported_with'")
                {
                    others[try row.decode("linked_case_id")] = try row.decode("linked_reference", as: String.self)
                }
                SessionScope.person(actor).apply(
                    sharingOffices: store.sharingOffices, followsUp: store.policy.followsUpRecommendations(actor), keys: store.keyRing,
                    connection)
            }
            var query: PostgresQuery = """
                SELECT id, case_id, author, visibility, body, created_at,
                       (SELECT coalesce(k.key, '\\x'::bytea) FROM case_keys k WHERE k.case_id = comments.case_id) AS case_key
                FROM comments
                WHERE case_id = ANY(\([record.id] + others.keys.sorted { $0.uuidString < $1.uuidString }))
                    AND (visibility = 'reporter' OR NOT \(onlyReporterThread))
                """
            if let position { query.append(" AND (created_at, id) > (\(position.time), \(position.id))") }
            query.append(" ORDER BY created_at, id LIMIT \(pageSize + 1)")
            return (access, others, try connection.query(query))
        }
        var seals: [UUID: CaseSeal] = [:]
        var comments = try rows.map { row in
            let author: String = try row.decode("author")
            let id: UUID = try row.decode("id")
            let caseID: UUID = try row.decode("case_id")
            let seal = try seals[caseID] ?? keyRing.seal(row.decode("case_key", as: Data?.self), for: caseID)
            seals[caseID] = seal
            return CaseComment(
                id: id, author: !access.discloses(.commentAuthors) && author != EventActor.reporter ? "office" : author,
                visibility: try StoredValue.parse(row, "visibility", CaseComment.Visibility.init(rawValue:)),
                body: try seal.openText(try row.decode("body"), at: CaseCommentRow.place(id)), createdAt: try row.decode("created_at"),
                reference: others[caseID])
        }
        let more = comments.count > pageSize
        if more { comments.removeLast() }
        return Page(items: comments, next: more ? comments.last.map { ListCursor(time: $0.createdAt, id: $0.id).text } : nil)
    }

    /// The case's key, nil once a redacting close destroyed it.
    func caseKey(_ caseID: UUID, _ connection: isolated PostgresConnection) throws -> CaseKey? {
        let rows = try connection.query("SELECT coalesce(key, '\\x'::bytea) AS key FROM case_keys WHERE case_id = \(caseID)")
        return try keyRing.storedKey(try rows.first?.decode("key", as: Data.self), for: caseID)?.key
    }

    /// The parties, for those who work the case. A reporter is shown as "reporter" to anyone
    /// who may not learn who reported.
    public func parties(_ reference: String, for actor: Actor, after cursor: String? = nil, limit: Int = defaultListLimit) async throws -> Page<
        StoredParty
    > {
        let position = try cursor.map(ListCursor.init(party:))
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        let store = self
        let (access, rows) = try await transaction(.person(actor)) { connection in
            guard let record = try store.load(reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            let access = store.checkedAccess(actor, to: record)
            guard access.discloses(.parties) else { throw CaseStoreError.notFound }
            var query: PostgresQuery = "SELECT person_id, role, added_by, added_at FROM case_parties WHERE case_id = \(record.id)"
            if let position { query.append(" AND (added_at, person_id, role) > (\(position.time), \(position.person), \(position.role))") }
            query.append(" ORDER BY added_at, person_id, role LIMIT \(pageSize + 1)")
            return (access, try connection.query(query))
        }
        var parties: [(party: StoredParty, cursor: ListCursor)] = try rows.map { row in
            let person: String = try row.decode("person_id")
            let role = try StoredValue.parse(row, "role", PartyRole.init(rawValue:))
            let addedAt: Date = try row.decode("added_at")
            let shown = role == .reporter && !access.discloses(.reporterIdentity) ? EventActor.reporter : person
            return (
                StoredParty(personID: shown, role: role, addedBy: try row.decode("added_by"), addedAt: addedAt),
                ListCursor(time: addedAt, person: person, role: role.rawValue)
            )
        }
        let more = parties.count > pageSize
        if more { parties.removeLast() }
        return Page(items: parties.map(\.party), next: more ? parties.last?.cursor.text : nil)
    }

    /// The case's history, oldest first, for those who work the case.
    public func events(_ reference: String, for actor: Actor, afterSeq: Int? = nil, limit: Int = defaultListLimit) async throws -> Page<CaseEvent> {
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        let store = self
        let rows = try await transaction(.person(actor)) { connection in
            guard let record = try store.load(reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            guard store.checkedAccess(actor, to: record).discloses(.history) else { throw CaseStoreError.notFound }
            return try connection.query(
                """
                SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events
                WHERE case_id = \(record.id) AND seq > \(afterSeq ?? 0) ORDER BY seq LIMIT \(pageSize + 1)
                """)
        }
        var events = try rows.map(CaseEvent.init(row:))
        let more = events.count > pageSize
        if more { events.removeLast() }
        return Page(items: events, next: more ? events.last.map { String($0.seq) } : nil)
    }
}

/// Where a page of comments, parties or recommendations ended: the sort key of its last item,
/// as an opaque text. It only says where to continue; row security decides what is read.
struct ListCursor {
    var time: Date
    var id = UUID()
    var person = ""
    var role = ""

    init(time: Date, id: UUID) {
        self.time = time
        self.id = id
    }

    init(time: Date, person: String, role: String) {
        self.time = time
        self.person = person
        self.role = role
    }

    var text: String {
        // An infinite time (a closed recommendation's due date) is written as such: read back
        // from microseconds it would no longer equal PostgreSQL's 'infinity'.
        let parts = [time == .distantFuture ? "inf" : String(CaseEventChain.microseconds(time)), id.uuidString, person, role]
        return Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    private static func parts(_ text: String) throws(CaseStoreError) -> [String] {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard text.utf8.count <= 512, let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            throw .invalidCursor
        }
        let parts = decoded.components(separatedBy: "\u{1F}")
        guard parts.count == 4, parts[0] == "inf" || Int64(parts[0]) != nil else { throw .invalidCursor }
        return parts
    }

    private static func date(_ micros: String) -> Date {
        micros == "inf" ? .distantFuture : Date(timeIntervalSince1970: Double(Int64(micros) ?? 0) / 1_000_000)
    }

    init(timeAndID text: String) throws(CaseStoreError) {
        let parts = try Self.parts(text)
        guard let id = UUID(uuidString: parts[1]) else { throw .invalidCursor }
        self.init(time: Self.date(parts[0]), id: id)
    }

    init(party text: String) throws(CaseStoreError) {
        let parts = try Self.parts(text)
        guard !parts[2].isEmpty, PartyRole(rawValue: parts[3]) != nil else { throw .invalidCursor }
        self.init(time: Self.date(parts[0]), person: parts[2], role: parts[3])
    }
}

extension CaseEvent {
    init(row: PostgresRow) throws {
        self.init(
            caseID: try row.decode("case_id"), seq: try row.decode("seq"), kind: try row.decode("kind"), actor: try row.decode("actor"),
            at: try row.decode("at"), data: try row.decode("data", as: PostgresJSON<[String: String]>.self).value,
            prevHash: try row.decode("prev_hash"), hash: try row.decode("hash"))
    }
}
