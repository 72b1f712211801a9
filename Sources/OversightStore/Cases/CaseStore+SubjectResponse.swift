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

    /// Reads a view selected with `columns`, opening the summary with its case's data key.
    init(row: PostgresRow, keys: KeyRing) throws {
        reference = try row.decode("reference")
        let caseID: UUID = try row.decode("case_id")
        let seal = try keys.seal(try row.decode("case_key", as: Data?.self), for: caseID)
        allegationsSummary = try seal.openText(
            try row.decode("allegations_summary"), at: Self.place(caseID, subject: try row.decode("subject_id")))
        notifiedAt = try row.decode("notified_at")
        respondBy = try row.decode("respond_by")
        respondedAt = try row.decode("responded_at")
    }

    static let columns: StaticString = """
        case_id, subject_id, reference, allegations_summary, notified_at, respond_by, responded_at,
        (SELECT coalesce(k.key, '\\x'::bytea) FROM case_keys k WHERE k.case_id = subject_views.case_id) AS case_key
        """

    static func place(_ caseID: UUID, subject: String) -> SealedPlace {
        SealedPlace("subject_views", "allegations_summary", row: "\(caseID.lowercasedText)/\(subject)")
    }
}

extension CaseStore {
    /// The subject view of a case, for its subject while their comment period is open; for
    /// anyone else, and outside the period, the same `notFound` as a missing case.
    public func subjectView(_ reference: String, for actor: Actor) async throws -> SubjectView {
        let rows = try await transaction(.person(actor)) { connection in
            var query: PostgresQuery = "SELECT "
            query.append(PostgresQuery(stringLiteral: SubjectView.columns))
            query.append(" FROM subject_views WHERE reference = \(reference) AND subject_id = \(actor.id) AND open")
            return try connection.query(query)
        }
        guard let row = rows.first else { throw CaseStoreError.notFound }
        return try SubjectView(row: row, keys: keyRing)
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

            SessionScope.system(.subjectResponse).apply(sharingOffices: store.sharingOffices, connection)
            var query: PostgresQuery = "SELECT "
            query.append(CaseRecord.select)
            query.append(" FROM cases WHERE id = \(caseID) FOR UPDATE")
            guard let record = try connection.query(query).first.map({ try CaseRecord(row: $0, keys: store.keyRing) }) else {
                throw CaseStoreError.notFound
            }
            var snapshot = record.snapshot
            let comment = CaseComment(id: UUID(), author: EventActor.subject, visibility: .internal, body: text, createdAt: now)
            try connection.execute(CaseCommentRow(caseID: record.id, comment: comment, seal: record.seal).insert())
            try store.indexMore(record.id, text: text, connection)
            snapshot.fields["subject_response_at"] = .date(now)
            let head = try Self.appendEvents(
                [NewEvent("subject_responded", ["comment_id": comment.id.uuidString.lowercased()])], to: record.id,
                after: (record.eventSeq, record.eventHash), actor: EventActor.subject, at: now, connection)
            try connection.execute(
                """
                UPDATE cases SET snapshot = \(PostgresJSON(record.stored(snapshot))), version = version + 1, event_seq = \(head.seq),
                    event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """)
            Self.enqueue("subject_responded", caseID: record.id, payload: ["reference": record.reference], connection)
            var viewQuery: PostgresQuery = "SELECT "
            viewQuery.append(PostgresQuery(stringLiteral: SubjectView.columns))
            viewQuery.append(" FROM subject_views WHERE case_id = \(caseID) AND subject_id = \(actor.id)")
            return try SubjectView(row: try connection.query(viewQuery)[0], keys: store.keyRing)
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
            let sealed = record.seal.seal(summary, at: SubjectView.place(record.id, subject: subject))
            try connection.execute(
                """
                INSERT INTO subject_views (case_id, subject_id, reference, allegations_summary, notified_at, respond_by)
                VALUES (\(record.id), \(subject), \(record.reference), \(sealed), \(notifiedAt), \(respondBy))
                ON CONFLICT (case_id, subject_id) DO UPDATE SET open = true, allegations_summary = EXCLUDED.allegations_summary,
                    respond_by = EXCLUDED.respond_by
                """)
        }
    }
}
