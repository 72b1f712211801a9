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
            let claimed = try connection.query(
                """
                SELECT id, case_id, kind, payload FROM outbox WHERE delivered_at IS NULL AND kind = ANY(\(Self.deliveredKinds))
                ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED
                """
            ).map { row in
                OutboxRow(
                    id: try row.decode("id"), caseID: try row.decode("case_id"), kind: try row.decode("kind"),
                    payload: try row.decode("payload", as: PostgresJSON<[String: String]>.self).value)
            }
            guard !claimed.isEmpty else { return 0 }
            // What the batch needs is read in a few statements for the whole batch, not per row.
            let batch = try DeliveryBatch.read(claimed, keys: store.keyRing, connection)
            var outboxIDs: [Int] = []
            var recipients: [String] = []
            var kinds: [String] = []
            var references: [String] = []
            for row in claimed {
                guard let record = row.caseID.flatMap({ batch.cases[$0] }) else { continue }
                for recipient in store.recipients(of: row, for: record, batch) {
                    outboxIDs.append(row.id)
                    recipients.append(recipient)
                    kinds.append(row.kind)
                    references.append(record.reference)
                }
            }
            let delivered = try connection.execute(
                """
                INSERT INTO notifications (outbox_id, recipient, kind, reference, created_at)
                SELECT o, r, k, ref, \(now) FROM unnest(\(outboxIDs)::int8[], \(recipients)::text[], \(kinds)::text[], \(references)::text[])
                    AS n(o, r, k, ref)
                ON CONFLICT DO NOTHING
                """)
            // Each subscribed webhook gets the event too: its kind, the case's reference and a
            // link, under an id the receiver de-duplicates by.
            var events: (outbox: [Int], webhook: [String], id: [UUID], kind: [String], payload: [String]) = ([], [], [], [], [])
            let at = ISO8601DateFormatter().string(from: now)
            for row in claimed {
                let reference = row.caseID.flatMap { batch.cases[$0] }?.reference
                for webhook in webhooks where webhook.kinds?.contains(row.kind) ?? true {
                    let eventID = UUID()
                    var event = ["event_id": eventID.uuidString.lowercased(), "kind": row.kind, "at": at]
                    event["reference"] = reference
                    event["link"] = reference.map { "/v1/cases/\($0)" }
                    events.outbox.append(row.id)
                    events.webhook.append(webhook.name)
                    events.id.append(eventID)
                    events.kind.append(row.kind)
                    events.payload.append(CaseEvent.json(event))
                }
            }
            if !events.outbox.isEmpty {
                try connection.execute(
                    """
                    INSERT INTO webhook_deliveries (outbox_id, webhook, event_id, kind, payload, next_attempt_at)
                    SELECT o, w, e, k, p::jsonb, \(now)
                    FROM unnest(\(events.outbox)::int8[], \(events.webhook)::text[], \(events.id)::uuid[], \(events.kind)::text[],
                                \(events.payload)::text[]) AS d(o, w, e, k, p)
                    ON CONFLICT DO NOTHING
                    """)
            }
            try connection.execute("UPDATE outbox SET delivered_at = \(now) WHERE id = ANY(\(claimed.map(\.id))::int8[])")
            return delivered
        }
    }

    /// Who an outbox row reaches, after the case's own exclusions.
    func recipients(of row: OutboxRow, for record: CaseRecord, _ batch: DeliveryBatch) -> [String] {
        var candidates: [String] = []
        switch row.kind {
        case "notify_subject":
            // Due process: each subject whose view is open, whatever else hides the case from
            // them (the subject view is all they will see).
            return batch.openSubjectViews[record.id, default: []]
        case "subject_responded":
            if let assignee = record.assignee { candidates.append(assignee) }
        case "case_filed", "case_opened":
            // The office's new-case alert reaches its head (the directory knows heads only),
            // while the case is still there: a case moved since has an alert of its own.
            if row.payload["office"] == record.office.rawValue, let head = batch.heads[record.office.rawValue] { candidates.append(head) }
        case "escalation":
            if let recipient = row.payload["recipient"] { candidates.append(recipient) }
        case "recommendation_issued":
            if let owner = record.owner {
                candidates.append(owner.personID)
                if let head = batch.heads[owner.office.rawValue] { candidates.append(head) }
            }
        default:
            break
        }
        var seen: Set<String> = []
        return candidates.filter { seen.insert($0).inserted }.filter { mayBeNotified($0, of: record, entry: batch.people[$0]) }
    }

    /// The case as it is now decides: a person named on it, its filer, someone the directory
    /// does not know, a member of an office it is sealed from, anyone of its office but the
    /// head (and the assignee) when restricted, anyone outside its office when confidential.
    func mayBeNotified(_ person: String, of record: CaseRecord, entry: DeliveryBatch.Person?) -> Bool {
        guard person != record.filedBy, !record.parties.contains(where: { $0.personID == person }), let entry else { return false }
        if record.sealedFrom.contains(where: { $0.rawValue == entry.office }) { return false }
        // Restricted to the head: a subject works in the office, so no one else of that office
        // (but the assignee the head chose) hears of it.
        if record.restrictedToHead, entry.office == record.office.rawValue, !entry.headsOffice, person != record.assignee { return false }
        if let workflow = catalog.workflow(version: record.workflowVersionID), workflow.confidentialToOffice,
            entry.office != record.office.rawValue
        {
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

/// A claimed outbox row.
struct OutboxRow: Sendable {
    let id: Int
    let caseID: UUID?
    let kind: String
    let payload: [String: String]
}

/// What one dispatch batch reads to resolve its recipients: its cases, the heads of their
/// offices (and owner offices), the subjects' open views, and the directory entries of
/// everyone it may notify.
struct DeliveryBatch {
    struct Person {
        let office: String
        let headsOffice: Bool
    }

    var cases: [UUID: CaseRecord] = [:]
    var heads: [String: String] = [:]
    var openSubjectViews: [UUID: [String]] = [:]
    var people: [String: Person] = [:]

    static func read(_ rows: [OutboxRow], keys: KeyRing, _ connection: isolated PostgresConnection) throws -> DeliveryBatch {
        var batch = DeliveryBatch()
        let caseIDs = Array(Set(rows.compactMap(\.caseID)))
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(" FROM cases WHERE id = ANY(\(caseIDs)::uuid[])")
        for row in try connection.query(query) {
            let record = try CaseRecord(row: row, keys: keys)
            batch.cases[record.id] = record
        }
        let offices = Array(Set(batch.cases.values.flatMap { [$0.office.rawValue] + ($0.owner.map { [$0.office.rawValue] } ?? []) }))
        for row in try connection.query(
            """
            SELECT office, min(person_id) AS person_id FROM staff_directory WHERE heads_office AND office = ANY(\(offices)::text[])
            GROUP BY office
            """)
        {
            batch.heads[try row.decode("office")] = try row.decode("person_id", as: String.self)
        }
        for row in try connection.query(
            "SELECT case_id, subject_id FROM subject_views WHERE case_id = ANY(\(caseIDs)::uuid[]) AND open ORDER BY subject_id")
        {
            batch.openSubjectViews[try row.decode("case_id"), default: []].append(try row.decode("subject_id", as: String.self))
        }
        var named = Set(batch.heads.values)
        for row in rows {
            if let recipient = row.payload["recipient"] { named.insert(recipient) }
            if let record = row.caseID.flatMap({ batch.cases[$0] }) {
                if let assignee = record.assignee { named.insert(assignee) }
                if let owner = record.owner { named.insert(owner.personID) }
            }
        }
        for row in try connection.query(
            "SELECT person_id, office, heads_office FROM staff_directory WHERE person_id = ANY(\(Array(named))::text[])")
        {
            batch.people[try row.decode("person_id")] = Person(office: try row.decode("office"), headsOffice: try row.decode("heads_office"))
        }
        return batch
    }
}
