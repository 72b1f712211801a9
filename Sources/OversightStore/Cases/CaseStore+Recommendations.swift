import Foundation
import OversightDomain
import PostgresClient

/// A recommendation's priority, as audit and evaluation reports write it.
public enum RecommendationPriority: String, Sendable, Hashable, CaseIterable, Codable {
    case high, medium, low

    /// The case priority the queue sorts it by.
    public var casePriority: Priority {
        switch self {
        case .high: .high
        case .medium: .normal
        case .low: .low
        }
    }
}

/// What the source's team issues: the recommendation, whom it is addressed to, how urgent,
/// and by when.
public struct NewRecommendation: Sendable, Hashable {
    public let text: String
    public let title: String?
    public let owner: RecommendationOwner
    public let priority: RecommendationPriority
    public let dueOn: CalendarDay

    public init(text: String, title: String? = nil, owner: RecommendationOwner, priority: RecommendationPriority, dueOn: CalendarDay) {
        self.text = text
        self.title = title
        self.owner = owner
        self.priority = priority
        self.dueOn = dueOn
    }

    /// The title, or the text's first line cut to 120 characters.
    var resolvedTitle: String {
        if let title { return title }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return firstLine.count > 120 ? String(firstLine.prefix(119)) + "…" : firstLine
    }
}

/// Filters of the recommendations register; nil means "any".
public struct RegisterFilter: Sendable, Hashable {
    public enum Owner: Sendable, Hashable {
        case person(String)
        case office(OfficeCode)
    }

    public var owner: Owner?
    /// The source case's reference.
    public var source: String?
    /// The workflow state (`open`, `action_plan_agreed`, ..., `verified_implemented`).
    public var state: String?
    public var priority: RecommendationPriority?
    public var overdue = false

    public init() {}
}

/// Where a page of the register ended: the due date and id of its last recommendation.
public struct RegisterPosition: Sendable, Hashable {
    public let dueAt: Date
    public let id: UUID

    public init(dueAt: Date, id: UUID) {
        self.dueAt = dueAt
        self.id = id
    }

    /// Opaque text, as the other lists' cursors.
    public var text: String { ListCursor(time: dueAt, id: id).text }

    public init(text: String) throws(CaseStoreError) {
        let cursor = try ListCursor(timeAndID: text)
        self.init(dueAt: cursor.time, id: cursor.id)
    }
}

extension CaseStore {
    /// Issues a recommendation from an audit, an evaluation or an investigation at its report
    /// step: a case of kind recommendation at the source's office (sealed and restricted like
    /// it, and blind to the source's subjects and declared conflicts), addressed to its owner,
    /// due on its date, linked both ways. The source's history records it; the owner is told.
    public func issueRecommendation(
        _ recommendation: NewRecommendation, from sourceReference: String, by actor: Actor, at time: Date? = nil
    ) async throws -> CaseRecord {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (source, access) = try store.lockVisible(sourceReference, for: actor, connection)
            guard access.allows(.transition) else { throw CaseStoreError.forbidden(.transition) }
            let sourceWorkflow = try store.workflow(of: source)
            guard source.closedAt == nil, sourceWorkflow.recommendationsFrom.contains(source.state) else {
                throw CaseStoreError.notAtReportStep(state: source.state)
            }
            let owner = recommendation.owner
            let known = try Self.directoryEntries([owner.personID], connection).first
            guard known?.office == owner.office else {
                throw CaseStoreError.invalidOwner("\(owner.personID) is not in the staff directory as a member of \(owner.office)")
            }
            // The people the source case is blind to stay blind to its recommendations.
            let recused = source.parties.filter { $0.role == .subject || $0.role == .conflicted }
            guard !source.parties.contains(where: { $0.personID == owner.personID }) else {
                throw CaseStoreError.invalidOwner("\(owner.personID) is named on the source case")
            }
            guard let (versionID, workflow) = store.catalog.currentVersion(of: .recommendation) else {
                throw CaseStoreError.unknownWorkflow(.recommendation)
            }
            var snapshot = CaseSnapshot(
                workflow: workflow, office: source.office, filedBy: nil, filedAt: now,
                parties: recused.map { CaseParty(personID: $0.personID, role: .conflicted) }, sealedFrom: source.sealedFrom,
                restrictedToHead: source.restrictedToHead)
            snapshot.owner = owner
            snapshot.fields = [
                "due_date": .text(recommendation.dueOn.description), "recommendation_priority": .text(recommendation.priority.rawValue),
                "source_kind": .text(source.kind.rawValue), "source_reference": .text(source.reference),
            ]
            var new = NewCase(
                snapshot: snapshot, workflowVersionID: versionID, workflow: workflow, category: CaseKind.recommendation.rawValue,
                priority: recommendation.priority.casePriority, title: recommendation.resolvedTitle, narrative: recommendation.text,
                occurredOn: nil, location: nil, region: source.region, countryOffice: source.countryOffice,
                routingRule: "issued by \(source.kind.rawValue) \(source.reference)", conflict: nil)
            new.owner = owner
            new.sourceCaseID = source.id
            let issued = try store.insertCase(
                new,
                events: [
                    NewEvent(
                        "issued",
                        ["source_kind": source.kind.rawValue, "owner_office": owner.office.rawValue, "priority": recommendation.priority.rawValue])
                ], addedBy: actor.id, at: now, connection)
            try connection.execute(
                """
                INSERT INTO case_links (case_id, linked_case_id, linked_reference, relation, created_at)
                VALUES (\(source.id), \(issued.id), \(issued.reference), 'opened', \(now)), (\(issued.id), \(source.id), \(source.reference), 'opened_by', \(now))
                """)
            let head = try Self.appendEvents(
                [NewEvent("recommendation_issued", ["linked_reference": issued.reference, "relation": "opened"])],
                to: source.id, after: (source.eventSeq, source.eventHash), actor: actor.id, at: now, connection)
            try connection.execute(
                """
                UPDATE cases SET version = version + 1, event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(source.id)
                """)
            // The owner office hears of it: the reference and the office, nothing of the text.
            Self.enqueue(
                "recommendation_issued", caseID: issued.id, payload: ["reference": issued.reference, "owner_office": owner.office.rawValue],
                connection)
            guard let record = try store.load(issued.reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            return record
        }
    }

    /// The recommendations `actor` may see, by due date (the most pressing first), filtered.
    /// Row security shows each reader what the access policy lets them see: the source office
    /// its own, the owner and the owner office's lead and head theirs, executives all.
    public func recommendations(
        for actor: Actor, filter: RegisterFilter = RegisterFilter(), after position: RegisterPosition? = nil, limit: Int = 50,
        at time: Date? = nil
    ) async throws -> (records: [CaseRecord], next: RegisterPosition?) {
        let now = time ?? clock()
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(" FROM cases WHERE cases.kind = 'recommendation'")
        switch filter.owner {
        case .person(let person): query.append(" AND cases.owner_id = \(person)")
        case .office(let office): query.append(" AND cases.owner_office = \(office.rawValue)")
        case nil: break
        }
        if let source = filter.source { query.append(" AND cases.source_case_id = (SELECT s.id FROM cases s WHERE s.reference = \(source))") }
        if let state = filter.state { query.append(" AND cases.state = \(state)") }
        if let priority = filter.priority { query.append(" AND cases.priority_rank = \(Int16(priority.casePriority.rank))") }
        if filter.overdue { query.append(" AND cases.closed_at IS NULL AND cases.due_at < \(now)") }
        if let position { query.append(" AND (cases.due_at, cases.id) > (\(position.dueAt), \(position.id))") }
        query.append(" ORDER BY cases.due_at, cases.id LIMIT \(pageSize + 1)")
        let statement = query
        let rows = try await read(.person(actor), statement)
        var records = try rows.map { try CaseRecord(row: $0, keys: keyRing) }
        let more = records.count > pageSize
        if more { records.removeLast() }
        let next = more ? records.last.map { RegisterPosition(dueAt: $0.dueAt, id: $0.id) } : nil
        return (records.filter { checkedAccess(actor, to: $0).discloses(.summary) }, next)
    }

    /// How many of the source's recommendations are still open, whoever may see them: counted
    /// as a system job, then the actor's scope is back.
    func openRecommendations(of source: CaseRecord, for actor: Actor, _ connection: isolated PostgresConnection) throws -> Int {
        SessionScope.system(.recommendationCount).apply(sharingOffices: sharingOffices, connection)
        let count = try connection.query(
            "SELECT count(*) AS n FROM cases WHERE source_case_id = \(source.id) AND closed_at IS NULL")[0].decode("n", as: Int.self)
        SessionScope.person(actor).apply(
            sharingOffices: sharingOffices, followsUp: policy.followsUpRecommendations(actor), keys: keyRing, connection)
        return count
    }
}
