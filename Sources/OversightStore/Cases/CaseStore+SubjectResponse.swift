import Foundation
import OversightDomain
import PostgresClient

/// What the subject of an allegation sees during their comment period: the summary the
/// investigator wrote for them and their own response; never the reporter, the title or
/// narrative (the reporter's words), other parties or notes. It is a row of `subject_views`,
/// not the case: row security shows the subject nothing else.
public struct SubjectView: Sendable, Hashable {
    public let reference: String
    public let allegationsSummary: String
    public let notifiedAt: Date
    /// The end of the comment period (the state's stage deadline).
    public let respondBy: Date?
    public let respondedAt: Date?

    init(row: PostgresRow) throws {
        reference = try row.decode("reference")
        allegationsSummary = try row.decode("allegations_summary")
        notifiedAt = try row.decode("notified_at")
        respondBy = try row.decode("respond_by")
        respondedAt = try row.decode("responded_at")
    }
}

extension CaseStore {
    /// The subject view of a case, for its subject while their comment period is open; for
    /// anyone else, and outside the period, the same `notFound` as a missing case.
    public func subjectView(_ reference: String, for actor: Actor) async throws -> SubjectView {
        let rows = try await transaction(.person(actor)) { connection in
            try connection.query(
                """
                SELECT reference, allegations_summary, notified_at, respond_by, responded_at FROM subject_views
                WHERE reference = \(reference) AND subject_id = \(actor.id) AND open
                """)
        }
        guard let row = rows.first else { throw CaseStoreError.notFound }
        return try SubjectView(row: row)
    }

    /// Records the subject's response, once: a note of the case authored "subject", an event
    /// in its history, and the field the final report's guard looks for; the assignee is told.
    /// The subject cannot read the case: once their own open view is found and marked, the
    /// case is written as the subject-response job.
    public func respondAsSubject(_ reference: String, text: String, by actor: Actor, at time: Date? = nil) async throws -> SubjectView {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let rows = try connection.query(
                """
                SELECT case_id, responded_at FROM subject_views WHERE reference = \(reference) AND subject_id = \(actor.id) AND open
                FOR UPDATE
                """)
            guard let mine = rows.first else { throw CaseStoreError.notFound }
            guard try mine.decode("responded_at", as: Date?.self) == nil else { throw CaseStoreError.alreadyResponded }
            let caseID: UUID = try mine.decode("case_id")
            try connection.execute(
                "UPDATE subject_views SET responded_at = \(now) WHERE case_id = \(caseID) AND subject_id = \(actor.id)")

            try SessionScope.system(.subjectResponse).apply(sharingOffices: store.sharingOffices, connection)
            var query: PostgresQuery = "SELECT "
            query.append(CaseRecord.select)
            query.append(" FROM cases WHERE id = \(caseID) FOR UPDATE")
            guard let record = try connection.query(query).first.map({ try CaseRecord(row: $0) }) else { throw CaseStoreError.notFound }
            var snapshot = record.snapshot
            let comment = CaseComment(id: UUID(), author: EventActor.subject, visibility: .internal, body: text, createdAt: now)
            try connection.execute(CaseCommentRow(caseID: record.id, comment: comment).insert())
            snapshot.fields["subject_response_at"] = .date(now)
            let head = try Self.appendEvents(
                [NewEvent("subject_responded", ["comment_id": comment.id.uuidString.lowercased()])], to: record.id,
                after: (record.eventSeq, record.eventHash), actor: EventActor.subject, at: now, connection)
            try connection.execute(
                """
                UPDATE cases SET snapshot = \(PostgresJSON(SnapshotDocument(snapshot))), version = version + 1, event_seq = \(head.seq),
                    event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """)
            try Self.enqueue("subject_responded", caseID: record.id, payload: ["reference": record.reference], connection)
            let view = try connection.query(
                """
                SELECT reference, allegations_summary, notified_at, respond_by, responded_at FROM subject_views
                WHERE case_id = \(caseID) AND subject_id = \(actor.id)
                """)
            return try SubjectView(row: view[0])
        }
    }

    /// Opens each subject's view when a transition enters the comment period, and closes them
    /// when it leaves it (a pause included; resuming opens them again).
    func openOrCloseSubjectViews(
        _ record: CaseRecord, decision: TransitionDecision, workflow: WorkflowDefinition, at now: Date,
        _ connection: isolated PostgresConnection
    ) throws {
        let wasOpen = workflow.subjectRespondsIn.contains(record.state)
        let isOpen = workflow.subjectRespondsIn.contains(decision.snapshot.state)
        if wasOpen, !isOpen {
            try connection.execute("UPDATE subject_views SET open = false WHERE case_id = \(record.id)")
        }
        guard isOpen, !wasOpen else { return }
        let fields = decision.snapshot.fields
        let summary: String = if case .text(let text) = fields["allegations_summary"] { text } else { "" }
        let notifiedAt: Date = if case .date(let date) = fields["subject_notified_at"] { date } else { now }
        let respondBy = decision.snapshot.stageClock?.dueAt(calendar(for: record.office))
        let facts = record.accessFacts(workflow)
        for subject in record.parties.filter({ $0.role == .subject }).map(\.personID) {
            guard policy.subjectMayRespond(Actor(id: subject, memberships: []), to: facts, windowOpen: true) else { continue }
            try connection.execute(
                """
                INSERT INTO subject_views (case_id, subject_id, reference, allegations_summary, notified_at, respond_by)
                VALUES (\(record.id), \(subject), \(record.reference), \(summary), \(notifiedAt), \(respondBy))
                ON CONFLICT (case_id, subject_id) DO UPDATE SET open = true, allegations_summary = EXCLUDED.allegations_summary,
                    respond_by = EXCLUDED.respond_by
                """)
        }
    }
}
