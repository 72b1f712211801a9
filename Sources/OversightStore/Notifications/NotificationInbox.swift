import Foundation
import OversightDomain
import PostgresClient

/// A notification in a person's inbox: what happened, to which case; never the case's title,
/// narrative or anyone's name.
public struct Notification: Sendable, Hashable {
    public let id: Int
    public let kind: String
    public let reference: String?
    public let createdAt: Date
    public let readAt: Date?
}

extension CaseStore {
    /// The outbox kinds the inbox delivers, with whom each reaches. Duties to the reporter
    /// and the subject wait for their own channels (a reporter's inbox would tie them to the
    /// case in one more table).
    static let deliveredKinds = ["case_filed", "case_opened", "escalation", "recommendation_issued", "notify_subject", "subject_responded"]

    /// Delivers up to `batch` outbox rows into inboxes, as the dispatcher job: rows are
    /// claimed with `FOR UPDATE SKIP LOCKED` and each (row, recipient) is unique, so several
    /// dispatchers deliver each exactly once. Recipients are resolved now, against the case
    /// as it is: never someone named on it, never a member of an office it is sealed from,
    /// only its head when restricted, only its own office when confidential to it.
    @discardableResult
    public func deliverNotifications(batch: Int = 100, webhooks: [WebhookSubscription] = [], at time: Date? = nil) async throws -> Int {
        let now = time ?? clock()
        let store = self
        return try await transaction(.system(.dispatcher)) { connection in
            let rows = try connection.query(
                """
                SELECT id, case_id, kind, payload FROM outbox WHERE delivered_at IS NULL AND kind = ANY(\(Self.deliveredKinds))
                ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED
                """)
            var delivered = 0
            for row in rows {
                let outboxID: Int = try row.decode("id")
                let kind: String = try row.decode("kind")
                let payload = try row.decode("payload", as: PostgresJSON<[String: String]>.self).value
                var recipients: [String] = []
                var reference: String?
                if let caseID = try row.decode("case_id", as: UUID?.self), let record = try Self.load(id: caseID, connection) {
                    reference = record.reference
                    recipients = try store.recipients(of: kind, payload: payload, for: record, connection)
                }
                for recipient in recipients {
                    delivered += try connection.execute(
                        """
                        INSERT INTO notifications (outbox_id, recipient, kind, reference, created_at)
                        VALUES (\(outboxID), \(recipient), \(kind), \(reference), \(now)) ON CONFLICT DO NOTHING
                        """)
                }
                // Each subscribed webhook gets the event too: its kind, the case's reference and a
                // link, under an id the receiver de-duplicates by.
                for webhook in webhooks where webhook.kinds?.contains(kind) ?? true {
                    let eventID = UUID()
                    var event = ["event_id": eventID.uuidString.lowercased(), "kind": kind, "at": ISO8601DateFormatter().string(from: now)]
                    event["reference"] = reference
                    event["link"] = reference.map { "/v1/cases/\($0)" }
                    try connection.execute(
                        """
                        INSERT INTO webhook_deliveries (outbox_id, webhook, event_id, kind, payload, next_attempt_at)
                        VALUES (\(outboxID), \(webhook.name), \(eventID), \(kind), \(PostgresJSON(event)), \(now)) ON CONFLICT DO NOTHING
                        """)
                }
                try connection.execute("UPDATE outbox SET delivered_at = \(now) WHERE id = \(outboxID)")
            }
            return delivered
        }
    }

    /// Who an outbox row reaches, after the case's own exclusions.
    func recipients(of kind: String, payload: [String: String], for record: CaseRecord, _ connection: isolated PostgresConnection) throws
        -> [String]
    {
        var candidates: [String] = []
        switch kind {
        case "notify_subject":
            // Due process: each subject whose view is open, whatever else hides the case from
            // them (the subject view is all they will see).
            return try connection.query("SELECT subject_id FROM subject_views WHERE case_id = \(record.id) AND open ORDER BY subject_id")
                .map { try $0.decode("subject_id", as: String.self) }
        case "subject_responded":
            if let assignee = record.assignee { candidates.append(assignee) }
        case "case_filed", "case_opened":
            // The office's new-case alert reaches its head (the directory knows heads only),
            // while the case is still there: a case moved since has an alert of its own.
            if payload["office"] == record.office.rawValue, let head = try Self.headOf(record.office, connection) { candidates.append(head) }
        case "escalation":
            if let recipient = payload["recipient"] { candidates.append(recipient) }
        case "recommendation_issued":
            if let owner = record.owner {
                candidates.append(owner.personID)
                if let head = try Self.headOf(owner.office, connection) { candidates.append(head) }
            }
        default:
            break
        }
        var seen: Set<String> = []
        return try candidates.filter { seen.insert($0).inserted }.filter { try mayBeNotified($0, of: record, connection) }
    }

    /// The case as it is now decides: a person named on it, its filer, a member of an office
    /// it is sealed from, anyone of its office but the head (and the assignee) when restricted,
    /// anyone outside its office when confidential.
    func mayBeNotified(_ person: String, of record: CaseRecord, _ connection: isolated PostgresConnection) throws -> Bool {
        guard person != record.filedBy, !record.parties.contains(where: { $0.personID == person }) else { return false }
        let rows = try connection.query("SELECT office, heads_office FROM staff_directory WHERE person_id = \(person)")
        guard let row = rows.first else { return false }
        let office: String = try row.decode("office")
        let heads: Bool = try row.decode("heads_office")
        if record.sealedFrom.contains(where: { $0.rawValue == office }) { return false }
        // Restricted to the head: a subject works in the office, so no one else of that office
        // (but the assignee the head chose) hears of it.
        if record.restrictedToHead, office == record.office.rawValue, !heads, person != record.assignee { return false }
        if let workflow = catalog.workflow(version: record.workflowVersionID), workflow.confidentialToOffice, office != record.office.rawValue {
            return false
        }
        return true
    }

    /// `actor`'s notifications, newest first, for cases they may still see.
    public func notifications(for actor: Actor, unreadOnly: Bool = false, before cursor: Int? = nil, limit: Int = 50) async throws -> (
        items: [Notification], next: Int?
    ) {
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        var query: PostgresQuery = """
            SELECT n.id, n.kind, n.reference, n.created_at, n.read_at FROM notifications n
            WHERE n.recipient = \(actor.id)
            """
        if unreadOnly { query.append(" AND n.read_at IS NULL") }
        if let cursor { query.append(" AND n.id < \(cursor)") }
        // A case the reader can no longer see (sealed, restricted since) drops out of the list:
        // its reference alone would say it exists.
        query.append(
            """
             AND (n.reference IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.reference = n.reference)
                  OR EXISTS (SELECT 1 FROM subject_views v WHERE v.reference = n.reference AND v.open))
            """)
        query.append(" ORDER BY n.id DESC LIMIT \(pageSize + 1)")
        let statement = query
        let rows = try await transaction(.person(actor)) { connection in try connection.query(statement) }
        var items = try rows.map { row in
            Notification(
                id: try row.decode("id"), kind: try row.decode("kind"), reference: try row.decode("reference"),
                createdAt: try row.decode("created_at"), readAt: try row.decode("read_at"))
        }
        let more = items.count > pageSize
        if more { items.removeLast() }
        return (items, more ? items.last?.id : nil)
    }

    /// Marks one of `actor`'s notifications read; false when they have no such notification.
    public func markNotificationRead(_ id: Int, for actor: Actor, at time: Date? = nil) async throws -> Bool {
        let now = time ?? clock()
        return try await transaction(.person(actor)) { connection in
            try connection.execute(
                "UPDATE notifications SET read_at = coalesce(read_at, \(now)) WHERE id = \(id) AND recipient = \(actor.id)") > 0
        }
    }
}
