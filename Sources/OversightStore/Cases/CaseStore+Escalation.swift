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
    /// Escalates overdue items of up to `batch` cases: for each item past due and not yet
    /// escalated, an `escalated` event and an outbox row. Cases are claimed with
    /// `FOR UPDATE SKIP LOCKED` and each escalation is a row keyed by case, item and due
    /// date, so any number of sweepers escalate each item exactly once. Returns how many
    /// items were escalated.
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
            let records = try connection.query(query).map { try CaseRecord(row: $0) }
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
                var head = (seq: record.eventSeq, hash: record.eventHash)
                var pending: [Date] = []
                for item in items {
                    guard let dueAt = item.dueAt else { continue }
                    guard item.isOverdue(at: now) else {
                        pending.append(dueAt)
                        continue
                    }
                    let name = item.kind.escalationName
                    let inserted = try connection.execute(
                        """
                        INSERT INTO escalations (case_id, item, due_at, escalated_at) VALUES (\(record.id), \(name), \(dueAt), \(now))
                        ON CONFLICT DO NOTHING
                        """)
                    guard inserted > 0 else { continue }
                    head = try Self.appendEvents(
                        [NewEvent("escalated", ["item": name, "due_at": ISO8601DateFormatter().string(from: dueAt)])],
                        to: record.id, after: head, actor: SessionScope.eventActor(.deadlineSweeper), at: now, connection)
                    try Self.enqueue(
                        "escalation", caseID: record.id,
                        payload: ["reference": record.reference, "item": name, "office": record.office.rawValue], connection)
                    escalated += 1
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
