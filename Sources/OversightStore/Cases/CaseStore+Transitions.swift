import Foundation
import OversightDomain
import PostgresClient

extension CaseStore {
    /// Takes a workflow transition: the case row is locked, `expectedVersion` must be its
    /// current version (optimistic concurrency across requests), the engine decides, and the
    /// new state, its event, notifications and any linked case are written together.
    public func transition(
        _ reference: String, _ name: String, input: [String: FieldValue], by actor: Actor, expectedVersion: Int, at time: Date? = nil
    ) async throws -> CaseRecord {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard access.allows(.transition) else { throw CaseStoreError.forbidden(.transition) }
            guard record.version == expectedVersion else { throw CaseStoreError.versionMismatch(current: record.version) }
            let workflow = try store.workflow(of: record)
            let engine = WorkflowEngine(workflow: workflow, calendar: store.calendar(for: record.office))
            var snapshot = record.snapshot
            // Counted only for a transition that asks (closing an audit): a count is three more
            // statements, which every other transition does without.
            if workflow.transition(name)?.guards.contains(.noOpenRecommendations) == true {
                snapshot.openRecommendations = try store.openRecommendations(of: record, for: actor, connection)
            }
            let decision: TransitionDecision
            do {
                decision = try engine.decide(name, on: snapshot, by: actor, input: input, at: now)
            } catch let refusal as TransitionRefusal {
                throw CaseStoreError.refused(refusal)
            }

            try store.openOrCloseSubjectViews(record, decision: decision, workflow: workflow, at: now, connection)
            var eventData = ["transition": name, "from": decision.from, "to": decision.to]
            eventData["fields"] = input.isEmpty ? nil : input.keys.sorted().joined(separator: ",")
            if decision.reopened { eventData["reopened"] = "true" }
            // Whether the stage being left met its deadline, as its own clock (pauses, business
            // days) counts it: what the timeliness report's "share within deadline" counts.
            if workflow.state(decision.from)?.deadlineDays != nil, let due = snapshot.stageClock?.dueAt(engine.calendar) {
                eventData["stage_deadline"] = now <= due ? "within" : "late"
            }
            var events = [NewEvent("transition", eventData)]
            if case .text(let note) = input["note"] { try store.indexMore(record.id, text: note, connection) }
            let redacted = decision.effects.contains(.redactIdentifyingDetails)
            for effect in decision.effects {
                switch effect {
                case .notify(let recipient):
                    Self.enqueue(
                        "notify_\(recipient.rawValue)", caseID: record.id,
                        payload: ["reference": record.reference, "transition": name, "state": decision.to], connection)
                case .openLinkedCase(let kind, let office):
                    let note: String? = if case .text(let text) = input["note"] { text } else { nil }
                    let linked = try store.openLinkedCase(from: record, kind: kind, office: office, note: note, by: actor, at: now, connection)
                    events.append(NewEvent("linked", ["linked_reference": linked.reference, "relation": "opened", "kind": kind.rawValue]))
                case .redactIdentifyingDetails:
                    try store.redact(record, for: actor, connection)
                    events.append(NewEvent("redacted", ["what": "title, narrative, filer, parties, notes, places, case key"]))
                default:
                    break
                }
            }

            var after = CaseFacts(record: record)
            after["state"] = decision.snapshot.state
            after["outcome"] = decision.snapshot.outcome
            after["closed_at"] = decision.closed ? CaseFacts.time(now) : nil
            if redacted { after.redact() }
            // The key is gone once redacted: every fact it would digest is a redacted value.
            let facts = try after.entries(since: CaseFacts(record: record), key: nil)
            let head = try Self.appendEvents(
                events, facts: facts, to: record.id, after: (record.eventSeq, record.eventHash),
                actor: actor.id, at: now, connection)
            let due = store.earliestDue(decision.snapshot, workflow: workflow)
            let reporterSees =
                redacted || decision.closed != (record.closedAt != nil)
                || workflow.state(decision.from)?.reporterStatus != workflow.state(decision.to)?.reporterStatus
            var update: PostgresQuery = """
                UPDATE cases SET state = \(decision.snapshot.state), snapshot = \(PostgresJSON(record.stored(decision.snapshot))),
                    outcome = \(decision.snapshot.outcome), closed_at = \(decision.closed ? now : nil),
                    due_at = \(due), next_escalation_at = \(due), version = version + 1,
                    reporter_version = reporter_version + \(reporterSees ? 1 : 0),
                    event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now),
                    title = CASE WHEN \(redacted) THEN '(redacted)' ELSE title END,
                    narrative = CASE WHEN \(redacted) THEN '' ELSE narrative END,
                    location = CASE WHEN \(redacted) THEN NULL ELSE location END,
                    occurred_on = CASE WHEN \(redacted) THEN NULL ELSE occurred_on END,
                    country_office = CASE WHEN \(redacted) THEN NULL ELSE country_office END,
                    filed_by = CASE WHEN \(redacted) THEN NULL ELSE filed_by END,
                    filer = CASE WHEN \(redacted) THEN NULL ELSE filer END,
                    subject_ids = CASE WHEN \(redacted) THEN '{}' ELSE subject_ids END,
                    conflicted_ids = CASE WHEN \(redacted) THEN '{}' ELSE conflicted_ids END,
                    witness_ids = CASE WHEN \(redacted) THEN '{}' ELSE witness_ids END,
                    reporter_ids = CASE WHEN \(redacted) THEN '{}' ELSE reporter_ids END
                WHERE id = \(record.id)
                """
            update.append(Self.returningCase())
            guard let row = try connection.query(update.prepared()).first else { throw CaseStoreError.notFound }
            return try CaseRecord(row: row, keys: store.keyRing)
        }
    }

    /// What a redacting close (an ombuds close) destroys besides the case row's own columns:
    /// the notes and messages, the named people, the link from a visitor's retried request to
    /// the case, and the case's key, so that the keyed digests in its history (which must stay
    /// to keep the chain intact) link it to no one any more.
    func redact(_ record: CaseRecord, for actor: Actor, _ connection: isolated PostgresConnection) throws {
        try connection.execute("DELETE FROM comments WHERE case_id = \(record.id)")
        try connection.execute("DELETE FROM case_parties WHERE case_id = \(record.id)")
        try connection.execute("DELETE FROM case_answers WHERE case_id = \(record.id)")
        try connection.execute("DELETE FROM attachments WHERE case_id = \(record.id)")
        try connection.execute("DELETE FROM case_search WHERE case_id = \(record.id)")
        // Only the caller reads an idempotency record (it names who filed): the close removes
        // the visitor's as the redaction job, then acts as the officer again.
        SessionScope.system(.redaction).apply(sharingOffices: sharingOffices, connection)
        try connection.execute("DELETE FROM idempotency_keys WHERE case_id = \(record.id)")
        SessionScope.person(actor).apply(sharingOffices: sharingOffices, keys: keyRing, connection)
        try connection.execute("UPDATE case_keys SET key = NULL, destroyed_at = now() WHERE case_id = \(record.id)")
    }

    /// Opens the case a transition's effect calls for (a retaliation review's investigation, a
    /// referral), at the alternate when the intended office is conflicted, linked both ways.
    /// It carries what the receiving office needs, not the whole file: the category, title,
    /// region and country office, the subjects (for its own conflict routing), and as its
    /// narrative the note of the transition that opened it; not the reporter's narrative,
    /// the place or the date, which stay with the originating case.
    func openLinkedCase(
        from origin: CaseRecord, kind: CaseKind, office: OfficeCode, note: String?, by actor: Actor, at now: Date,
        _ connection: isolated PostgresConnection
    ) throws -> (id: UUID, reference: String) {
        guard let (versionID, workflow) = catalog.currentVersion(of: kind) else { throw CaseStoreError.unknownWorkflow(kind) }
        let subjectIDs = origin.parties.filter { $0.role == .subject }.map(\.personID)
        let placement = router.place(in: office, subjects: try Self.directoryEntries(subjectIDs, connection))
        let snapshot = CaseSnapshot(
            workflow: workflow, office: placement.office, filedBy: origin.filedBy, filedAt: now,
            parties: origin.parties.filter { $0.role != .reporter }, sealedFrom: placement.sealedFrom,
            restrictedToHead: placement.restrictedToHead)
        var routed = ["office": placement.office.rawValue, "rule": "linked from \(origin.reference)"]
        routed["conflict"] = placement.conflict?.rawValue
        let linked = try insertCase(
            NewCase(
                snapshot: snapshot, workflowVersionID: versionID, workflow: workflow, category: origin.category,
                priority: origin.priority, title: origin.title, narrative: note ?? "Opened from \(origin.reference).", occurredOn: nil,
                location: nil, region: origin.region, countryOffice: origin.countryOffice,
                routingRule: "linked from \(origin.reference)", conflict: placement.conflict?.rawValue),
            events: [
                NewEvent("filed", ["kind": kind.rawValue, "linked_from": origin.reference]), NewEvent("routed", routed, actor: EventActor.routing),
            ],
            addedBy: actor.id, at: now, connection)
        try connection.execute(
            """
            INSERT INTO case_links (case_id, linked_case_id, linked_reference, relation, created_at)
            VALUES (\(origin.id), \(linked.id), \(linked.reference), 'opened', \(now)), (\(linked.id), \(origin.id), \(origin.reference), 'opened_by', \(now))
            """)
        Self.enqueue("case_filed", caseID: linked.id, payload: ["reference": linked.reference, "office": placement.office.rawValue], connection)
        return linked
    }

    /// A lead or head assigns the case to an officer of the office who is not recused.
    public func assign(_ reference: String, to assigneeID: String, by actor: Actor, at time: Date? = nil) async throws -> CaseRecord {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        return try await changeAssignee(reference, to: assigneeID, by: actor, claiming: false, at: now)
    }

    /// An officer takes an unassigned case of their office.
    public func claim(_ reference: String, by actor: Actor, at time: Date? = nil) async throws -> CaseRecord {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        return try await changeAssignee(reference, to: actor.id, by: actor, claiming: true, at: now)
    }

    private func changeAssignee(_ reference: String, to assigneeID: String, by actor: Actor, claiming: Bool, at now: Date) async throws -> CaseRecord
    {
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard record.closedAt == nil else { throw CaseStoreError.closed }
            let workflow = try store.workflow(of: record)
            let facts = record.accessFacts(workflow)
            let assignee: Actor
            if claiming {
                guard access.allows(.claim) else {
                    throw record.assignee == nil ? CaseStoreError.forbidden(.claim) : CaseStoreError.alreadyAssigned
                }
                assignee = actor
            } else {
                guard access.allows(.assign) else { throw CaseStoreError.forbidden(.assign) }
                let rows = try connection.query("SELECT office FROM staff_directory WHERE person_id = \(assigneeID)")
                guard let office = try rows.first.map({ try $0.decode("office", as: String.self) }).flatMap(OfficeCode.init),
                    office == record.office
                else { throw CaseStoreError.cannotAssign("\(assigneeID) is not an officer of \(record.office)") }
                assignee = Actor(id: assigneeID, memberships: [OfficeMembership(office: office, role: .officer)])
            }
            guard store.policy.mayBeAssigned(assignee, to: facts) else {
                throw CaseStoreError.cannotAssign("\(assigneeID) is recused from this case")
            }
            var snapshot = record.snapshot
            snapshot.formerAssignees.insert(assigneeID)
            var after = CaseFacts(record: record)
            after["assignee"] = assigneeID
            let head = try Self.appendEvents(
                [NewEvent(claiming ? "claimed" : "assigned", ["assignee": assigneeID])],
                facts: try after.entries(since: CaseFacts(record: record), key: nil), to: record.id,
                after: (record.eventSeq, record.eventHash), actor: actor.id, at: now, connection)
            var update: PostgresQuery = """
                UPDATE cases SET assignee = \(assigneeID), snapshot = \(PostgresJSON(record.stored(snapshot))), version = version + 1,
                    event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """
            update.append(Self.returningCase())
            guard let updated = try connection.query(update.prepared()).first.map({ try CaseRecord(row: $0, keys: store.keyRing) }) else {
                throw CaseStoreError.notFound
            }
            Self.enqueue("notify_assignee", caseID: record.id, payload: ["reference": record.reference, "assignee": assigneeID], connection)
            return updated
        }
    }
}
