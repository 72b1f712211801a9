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
    public let author: String
    public let visibility: Visibility
    public let body: String
    public let createdAt: Date
}

/// A party to a case as stored.
public struct StoredParty: Sendable, Hashable {
    public let personID: String
    public let role: PartyRole
    public let addedBy: String?
    public let addedAt: Date
}

extension CaseStore {
    /// Adds a comment. The reporter may only write to the reporter thread; case workers may
    /// write either. A message to the reporter counts as the periodic feedback owed.
    public func addComment(
        _ reference: String, body: String, visibility: CaseComment.Visibility, by actor: Actor, at time: Date? = nil
    ) async throws -> CaseComment {
        let now = time ?? clock()
        let store = self
        return try await pool.withTransaction { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            let needed: CaseAction = visibility == .internal ? .comment : .messageReporter
            guard access.allows(needed) else { throw CaseStoreError.forbidden(needed) }
            let comment = CaseComment(id: UUID(), author: actor.id, visibility: visibility, body: body, createdAt: now)
            try connection.execute("""
                INSERT INTO comments (id, case_id, author, visibility, body, created_at)
                VALUES (\(comment.id), \(record.id), \(actor.id), \(visibility.rawValue), \(body), \(now))
                """)
            let head = try Self.appendEvents([("comment", ["comment_id": comment.id.uuidString.lowercased(), "visibility": visibility.rawValue])],
                                             to: record.id, after: (record.eventSeq, record.eventHash), actor: actor.id, at: now, connection)
            var snapshot = record.snapshot
            let feedback = visibility == .reporter && access.view >= .officer
            if feedback {
                if snapshot.acknowledgedAt == nil { snapshot.acknowledgedAt = now }
                snapshot.lastReporterUpdateAt = now
                try Self.enqueue("notify_reporter", caseID: record.id, payload: ["reference": record.reference, "message": "new"], connection)
            }
            let due = store.earliestDue(snapshot, workflow: try store.workflow(of: record))
            try connection.execute("""
                UPDATE cases SET snapshot = \(PostgresJSON(SnapshotDocument(snapshot))), due_at = \(due), next_escalation_at = \(due),
                    version = version + 1, event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """)
            return comment
        }
    }

    /// The comments `actor` may read: the reporter thread only, unless they work the case.
    public func comments(_ reference: String, for actor: Actor) async throws -> [CaseComment] {
        let (record, access) = try await find(reference, for: actor)
        let onlyReporterThread = access.view < .officer
        let rows = try await pool.query("""
            SELECT id, author, visibility, body, created_at FROM comments
            WHERE case_id = \(record.id) AND (visibility = 'reporter' OR NOT \(onlyReporterThread))
            ORDER BY created_at, id
            """)
        return try rows.map { row in
            CaseComment(id: try row.decode("id"), author: try row.decode("author"),
                        visibility: CaseComment.Visibility(rawValue: try row.decode("visibility", as: String.self)) ?? .internal,
                        body: try row.decode("body"), createdAt: try row.decode("created_at"))
        }
    }

    /// Names a party. A party is recused: if the case's assignee is named, the case becomes
    /// unassigned.
    public func addParty(_ reference: String, personID: String, role: PartyRole, by actor: Actor, at time: Date? = nil) async throws -> StoredParty {
        let now = time ?? clock()
        let store = self
        return try await pool.withTransaction { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard access.allows(.manageParties) else { throw CaseStoreError.forbidden(.manageParties) }
            let inserted = try connection.execute("""
                INSERT INTO case_parties (case_id, person_id, role, added_by, added_at)
                VALUES (\(record.id), \(personID), \(role.rawValue), \(actor.id), \(now)) ON CONFLICT DO NOTHING
                """)
            if inserted > 0 {
                let unassign = record.assignee == personID
                var events: [(kind: String, data: [String: String])] = [("party_added", ["person": personID, "role": role.rawValue])]
                if unassign { events.append(("unassigned", ["reason": "assignee named as \(role.rawValue)"])) }
                let head = try Self.appendEvents(events, to: record.id, after: (record.eventSeq, record.eventHash), actor: actor.id, at: now, connection)
                try connection.execute("""
                    UPDATE cases SET assignee = CASE WHEN \(unassign) THEN NULL ELSE assignee END, version = version + 1,
                        event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                    WHERE id = \(record.id)
                    """)
            }
            return StoredParty(personID: personID, role: role, addedBy: actor.id, addedAt: now)
        }
    }

    /// The parties, for those who work the case.
    public func parties(_ reference: String, for actor: Actor) async throws -> [StoredParty] {
        let (record, access) = try await find(reference, for: actor)
        guard access.view >= .officer else { throw CaseStoreError.notFound }
        let rows = try await pool.query("SELECT person_id, role, added_by, added_at FROM case_parties WHERE case_id = \(record.id) ORDER BY added_at, person_id")
        return try rows.map { row in
            StoredParty(personID: try row.decode("person_id"), role: PartyRole(rawValue: try row.decode("role", as: String.self)) ?? .witness,
                        addedBy: try row.decode("added_by"), addedAt: try row.decode("added_at"))
        }
    }

    /// The case's history, for those who work the case.
    public func events(_ reference: String, for actor: Actor) async throws -> [CaseEvent] {
        let (record, access) = try await find(reference, for: actor)
        guard access.allows(.readHistory) else { throw CaseStoreError.notFound }
        let rows = try await pool.query("SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events WHERE case_id = \(record.id) ORDER BY seq")
        return try rows.map(CaseEvent.init(row:))
    }
}

extension CaseEvent {
    init(row: PostgresRow) throws {
        self.init(caseID: try row.decode("case_id"), seq: try row.decode("seq"), kind: try row.decode("kind"), actor: try row.decode("actor"),
                  at: try row.decode("at"), data: try row.decode("data", as: PostgresJSON<[String: String]>.self).value,
                  prevHash: try row.decode("prev_hash"), hash: try row.decode("hash"))
    }
}
