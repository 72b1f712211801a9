import Foundation
import Logging
import OversightDomain
import PostgresClient

extension DueItem.Kind {
    /// How an escalation names the item (`stage:preliminary_assessment`, `feedback`).
    public var escalationName: String {
        switch self {
        case .triage: "triage"
        case .stage(let state): "stage:\(state)"
        case .clock(let clock): "clock:\(clock)"
        case .acknowledgement: "acknowledgement"
        case .feedback: "feedback"
        case .recommendationDue: "recommendation_due"
        }
    }
}

extension CaseStore {
    /// Escalates overdue items of up to `batch` cases up the ladder: for each level of an item
    /// whose time has come and that was not raised yet, an `escalated` event and an outbox row
    /// naming who is told. Cases are claimed with `FOR UPDATE SKIP LOCKED` and each level is a
    /// row keyed by case, item, due date and level, so any number of sweepers raise each level
    /// exactly once. Returns how many levels were raised.
    @discardableResult
    public func escalateOverdue(at time: Date? = nil, batch: Int = 100) async throws -> Int {
        let now = time ?? clock()
        let store = self
        return try await transaction(.system(.deadlineSweeper)) { connection in
            var query: PostgresQuery = "SELECT "
            query.append(CaseRecord.select)
            query.append(
                """
                 FROM cases WHERE closed_at IS NULL AND next_escalation_at <= \(now)
                ORDER BY next_escalation_at LIMIT \(batch) FOR UPDATE SKIP LOCKED
                """)
            let records = try connection.query(query).map { try CaseRecord(row: $0, keys: store.keyRing) }
            var escalated = 0
            for record in records {
                guard let workflow = store.catalog.workflow(version: record.workflowVersionID) else {
                    // Its rules cannot be read: left as it was, it would be claimed first on every
                    // sweep, and enough of them would stall the sweeper for good.
                    store.logger.error(
                        "case pinned to an unreadable workflow version; not escalated",
                        metadata: [
                            "workflow_version": "\(record.workflowVersionID)"
                        ])
                    try connection.execute("UPDATE cases SET next_escalation_at = 'infinity' WHERE id = \(record.id)")
                    continue
                }
                let deadlines = CaseDeadlines(workflow: workflow, calendar: store.calendar(for: record.office))
                let items = deadlines.dueItems(for: record.snapshot)
                let ladder = store.configuration.routing.escalation
                var head = (seq: record.eventSeq, hash: record.eventHash)
                var pending: [Date] = []
                for item in items {
                    guard let dueAt = item.dueAt else { continue }
                    let (levels, next) = ladder.levels(dueAt: dueAt, at: now)
                    if let next { pending.append(next) }
                    let name = item.kind.escalationName
                    for level in levels {
                        let inserted = try connection.execute(
                            """
                            INSERT INTO escalations (case_id, item, due_at, level, escalated_at)
                            VALUES (\(record.id), \(name), \(dueAt), \(Int16(level)), \(now))
                            ON CONFLICT DO NOTHING
                            """)
                        guard inserted > 0 else { continue }
                        let rung = ladder.rungs[level - 1]
                        // An ombuds case never leaves its office, not even as a name in its history.
                        if workflow.confidentialToOffice, !EscalationLadder.staysInOffice(rung.recipient) { continue }
                        let recipient = try store.escalationRecipient(rung.recipient, for: record, connection)
                        var data = [
                            "item": name, "due_at": ISO8601DateFormatter().string(from: dueAt), "level": String(level), "to": rung.recipient.name,
                        ]
                        if recipient == nil { data["withheld"] = "no one at this level may be told" }
                        head = try Self.appendEvents(
                            [NewEvent("escalated", data)], to: record.id, after: head, actor: SessionScope.eventActor(.deadlineSweeper), at: now,
                            connection)
                        if let recipient {
                            Self.enqueue(
                                "escalation", caseID: record.id,
                                payload: [
                                    "reference": record.reference, "item": name, "level": String(level), "office": record.office.rawValue,
                                    "recipient": recipient,
                                ], connection)
                        }
                        escalated += 1
                    }
                }
                let next = pending.min() ?? .distantFuture
                try connection.execute(
                    """
                    UPDATE cases SET next_escalation_at = \(next), event_seq = \(head.seq), event_hash = \(head.hash),
                        version = version + CASE WHEN \(head.seq) > event_seq THEN 1 ELSE 0 END
                    WHERE id = \(record.id)
                    """)
            }
            return escalated
        }
    }
}

extension CaseStore {
    /// The person a rung reaches for a case, from the staff directory: never someone named on
    /// the case (or its filer), never a member of an office it is sealed from. nil when no one
    /// at that level may be told.
    func escalationRecipient(
        _ recipient: EscalationRung.Recipient, for record: CaseRecord, _ connection: isolated PostgresConnection
    ) throws -> String? {
        // A recommendation climbs its owner's side: the owner, then the owner office's head.
        let office = record.owner?.office ?? record.office
        let candidate: String?
        switch recipient {
        case .assignee:
            candidate = try record.owner?.personID ?? record.assignee ?? Self.headOf(office, connection)
        case .officeHead:
            candidate = try Self.headOf(office, connection)
        case .headOf(let named):
            candidate = try Self.headOf(named, connection)
        case .directorGeneral:
            candidate = try connection.query("SELECT person_id FROM staff_directory WHERE is_director_general ORDER BY person_id LIMIT 1")
                .first?.decode("person_id", as: String.self)
        }
        guard let candidate, candidate != record.filedBy, !record.parties.contains(where: { $0.personID == candidate }) else { return nil }
        if !record.sealedFrom.isEmpty {
            let rows = try connection.query("SELECT office FROM staff_directory WHERE person_id = \(candidate)")
            if let home = try rows.first?.decode("office", as: String.self), record.sealedFrom.contains(where: { $0.rawValue == home }) {
                return nil
            }
        }
        return candidate
    }

    static func headOf(_ office: OfficeCode, _ connection: isolated PostgresConnection) throws -> String? {
        try connection.query("SELECT person_id FROM staff_directory WHERE office = \(office.rawValue) AND heads_office ORDER BY person_id LIMIT 1")
            .first?.decode("person_id", as: String.self)
    }
}
