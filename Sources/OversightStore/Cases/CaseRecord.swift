import Foundation
import OversightDomain
import PostgresClient

/// A case linked to another (the investigation a retaliation review opened).
public struct CaseLink: Sendable, Hashable, Codable {
    public let reference: String
    /// `opened` (this case opened the other) or `opened_by`.
    public let relation: String
}

/// The `cases` row, defined once: its fields, its columns with their encodings (INSERT,
/// binary COPY) and its decoding (SELECT, RETURNING). Read with its linked cases when the
/// query asked for them.
public struct CaseRecord: Sendable, Hashable, PostgresTableRow {
    public let id: UUID
    public let reference: String
    public let kind: CaseKind
    public let workflowVersionID: Int
    public let office: OfficeCode
    public let state: String
    public let category: String
    public let priority: Priority
    public let title: String
    public let narrative: String
    public let occurredOn: String?
    public let location: String?
    public let region: String?
    public let countryOffice: String?
    public let filedBy: String?
    public let assignee: String?
    public let routingRule: String
    public let conflict: String?
    public let sealedFrom: Set<OfficeCode>
    public let restrictedToHead: Bool
    public let dueAt: Date
    /// The earliest owed item not yet escalated: what the sweeper looks for.
    public let nextEscalationAt: Date
    public let openedAt: Date
    public let closedAt: Date?
    public let outcome: String?
    public let version: Int
    public let eventSeq: Int
    public let eventHash: Data
    public let updatedAt: Date
    /// Counts changes the reporter can see: the reporter view's version and ETag.
    public let reporterVersion: Int
    /// From the case row's party columns (subjects, declared conflicts, witnesses, reporters).
    public let parties: [CaseParty]
    /// A recommendation's owner (management office and person).
    public let owner: RecommendationOwner?
    /// The audit, evaluation or investigation that issued a recommendation.
    public let sourceCaseID: UUID?
    /// Linked cases (reference, relation), when the read asked for them.
    public let links: [CaseLink]
    /// The intake questionnaire's answers, when the read asked for them (and row security let
    /// the reader see them: those who work the case).
    public let answers: [RecordedAnswer]
    /// The snapshot column's JSON, decoded only when the engine needs it: lists and access
    /// checks read columns only.
    let snapshotJSON: String
    /// How the row's content is stored (sealed under the case's key, or plain).
    let seal: CaseSeal
    /// What `filed_by` holds: the key ring's tag of the filer's id.
    let filerTag: String?

    public static func == (lhs: CaseRecord, rhs: CaseRecord) -> Bool { lhs.id == rhs.id && lhs.version == rhs.version }
    public func hash(into hasher: inout Hasher) { hasher.combine(id); hasher.combine(version) }

    package init(
        id: UUID, reference: String, kind: CaseKind, workflowVersionID: Int, office: OfficeCode, state: String, category: String,
        priority: Priority, title: String, narrative: String, occurredOn: String?, location: String?, region: String?,
        countryOffice: String?, filedBy: String?, assignee: String?, routingRule: String, conflict: String?, sealedFrom: Set<OfficeCode>,
        restrictedToHead: Bool, snapshotJSON: String, dueAt: Date, nextEscalationAt: Date, openedAt: Date, closedAt: Date?,
        outcome: String?, version: Int, eventSeq: Int, eventHash: Data, updatedAt: Date, reporterVersion: Int, parties: [CaseParty],
        owner: RecommendationOwner? = nil, sourceCaseID: UUID? = nil, seal: CaseSeal, filerTag: String?
    ) {
        self.seal = seal
        self.filerTag = filerTag
        self.id = id
        self.reference = reference
        self.kind = kind
        self.workflowVersionID = workflowVersionID
        self.office = office
        self.state = state
        self.category = category
        self.priority = priority
        self.title = title
        self.narrative = narrative
        self.occurredOn = occurredOn
        self.location = location
        self.region = region
        self.countryOffice = countryOffice
        self.filedBy = filedBy
        self.assignee = assignee
        self.routingRule = routingRule
        self.conflict = conflict
        self.sealedFrom = sealedFrom
        self.restrictedToHead = restrictedToHead
        self.snapshotJSON = snapshotJSON
        self.dueAt = dueAt
        self.nextEscalationAt = nextEscalationAt
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.outcome = outcome
        self.version = version
        self.eventSeq = eventSeq
        self.eventHash = eventHash
        self.updatedAt = updatedAt
        self.reporterVersion = reporterVersion
        self.parties = parties
        self.owner = owner
        self.sourceCaseID = sourceCaseID
        self.links = []
        self.answers = []
    }

    public static let table: StaticString = "cases"

    /// Every column of `cases`, in one order for INSERT, COPY and SELECT.
    public static let columns: [PostgresColumn<CaseRecord>] = [
        .init("id") { $0.id },
        .init("reference") { $0.reference },
        .init("kind") { $0.kind.rawValue },
        .init("workflow_version_id") { $0.workflowVersionID },
        .init("office") { $0.office.rawValue },
        .init("state") { $0.state },
        .init("category") { $0.category },
        .init("priority") { $0.priority.rawValue },
        .init("priority_rank") { Int16($0.priority.rank) },
        .init("title") { $0.seal.seal($0.title, at: SealedPlace("cases", "title", row: $0.id)) },
        .init("narrative") { $0.seal.seal($0.narrative, at: SealedPlace("cases", "narrative", row: $0.id)) },
        .init("occurred_on") { $0.occurredOn },
        .init("location") { $0.location },
        .init("region") { $0.region },
        .init("country_office") { $0.countryOffice },
        .init("filed_by") { $0.filerTag },
        .init("assignee") { $0.assignee },
        .init("routing_rule") { $0.routingRule },
        .init("conflict") { $0.conflict },
        .init("sealed_from") { $0.sealedFrom.map(\.rawValue).sorted() },
        .init("restricted_to_head") { $0.restrictedToHead },
        .init("snapshot") { PostgresJSONText($0.snapshotJSON) },
        .init("due_at") { $0.dueAt },
        .init("next_escalation_at") { $0.nextEscalationAt },
        .init("opened_at") { $0.openedAt },
        .init("closed_at") { $0.closedAt },
        .init("outcome") { $0.outcome },
        .init("version") { Int32($0.version) },
        .init("event_seq") { Int32($0.eventSeq) },
        .init("event_hash") { $0.eventHash },
        .init("updated_at") { $0.updatedAt },
        .init("reporter_version") { Int32($0.reporterVersion) },
        .init("subject_ids") { CasePartyColumns.ids($0.parties, .subject) },
        .init("conflicted_ids") { CasePartyColumns.ids($0.parties, .conflicted) },
        .init("witness_ids") { CasePartyColumns.ids($0.parties, .witness) },
        .init("reporter_ids") { CasePartyColumns.ids($0.parties, .reporter) },
        .init("owner_office") { $0.owner?.office.rawValue },
        .init("owner_id") { $0.owner?.personID },
        .init("source_case_id") { $0.sourceCaseID },
        .init("filer") { record in record.filedBy.map { record.seal.seal($0, at: SealedPlace("cases", "filer", row: record.id)) } },
    ]

    /// The select list every case query reads (and `RETURNING` gives back), with the case's
    /// wrapped data key to open its content. The table is named `cases` (no alias).
    static let select: PostgresQuery = {
        var query = selectList
        query.append(", (SELECT coalesce(k.key, '\\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key")
        return query
    }()

    /// Linked cases as one JSON column, for the case view. The link row names the other case,
    /// so a reader who may not see that case still sees the link (and nothing more).
    static let linksColumn: StaticString = """
        , (SELECT coalesce(json_agg(json_build_object('reference', l.linked_reference, 'relation', l.relation)
                                    ORDER BY l.created_at, l.linked_reference), '[]')
           FROM case_links l WHERE l.case_id = cases.id) AS links_json,
          (SELECT a.answers FROM case_answers a WHERE a.case_id = cases.id) AS answers_json
        """

    /// Reads a row, opening its content with the data key `keys` unwraps; links come from
    /// their JSON column when the query selected it.
    init(row: PostgresRow, keys: KeyRing) throws {
        let id: UUID = try row.decode("id")
        self.id = id
        let storedKey = try row.decode("case_key", as: Data?.self)
        let seal = try keys.seal(storedKey, for: id)
        self.seal = seal
        reference = try row.decode("reference")
        kind = CaseKind(try row.decode("kind", as: String.self))
        workflowVersionID = try row.decode("workflow_version_id")
        office = try StoredValue.parse(row, "office", OfficeCode.init)
        state = try row.decode("state")
        category = try row.decode("category")
        priority = try StoredValue.parse(row, "priority", Priority.init(rawValue:))
        title = try seal.openText(try row.decode("title"), at: SealedPlace("cases", "title", row: id))
        narrative = try seal.openText(try row.decode("narrative"), at: SealedPlace("cases", "narrative", row: id))
        occurredOn = try row.decode("occurred_on")
        location = try row.decode("location")
        region = try row.decode("region")
        countryOffice = try row.decode("country_office")
        filerTag = try row.decode("filed_by")
        filedBy = try row.decode("filer", as: Data?.self).map { try seal.openText($0, at: SealedPlace("cases", "filer", row: id)) }
        assignee = try row.decode("assignee")
        routingRule = try row.decode("routing_rule")
        conflict = try row.decode("conflict")
        sealedFrom = Set(try row.decode("sealed_from", as: [String].self).compactMap(OfficeCode.init))
        restrictedToHead = try row.decode("restricted_to_head")
        snapshotJSON = try row.decode("snapshot", as: String.self)
        dueAt = try row.decode("due_at")
        openedAt = try row.decode("opened_at")
        closedAt = try row.decode("closed_at")
        outcome = try row.decode("outcome")
        nextEscalationAt = try row.decode("next_escalation_at")
        version = try row.decode("version")
        eventSeq = try row.decode("event_seq")
        eventHash = try row.decode("event_hash")
        updatedAt = try row.decode("updated_at")
        reporterVersion = try row.decode("reporter_version")
        parties = try CasePartyColumns.parties(row)
        owner = try RecommendationOwner(row)
        sourceCaseID = try row.decode("source_case_id")
        links = row.contains("links_json") ? try row.decode("links_json", as: PostgresJSON<[CaseLink]>?.self)?.value ?? [] : []
        answers =
            try row.contains("answers_json")
            ? row.decode("answers_json", as: Data?.self).map {
                try JSONDecoder().decode([RecordedAnswer].self, from: seal.open($0, at: SealedPlace("case_answers", "answers", row: id)))
            } ?? [] : []
    }

    /// The engine's view of the case (decodes the snapshot column; a corrupt one reads as a
    /// case with no recorded fields, which every guard then refuses).
    public var snapshot: CaseSnapshot {
        let document =
            (try? JSONDecoder().decode(SnapshotDocument.self, from: Data(snapshotJSON.utf8)))
            ?? SnapshotDocument(
                CaseSnapshot(
                    kind: kind, office: office, state: state, assignee: assignee, filedBy: filedBy, parties: parties,
                    fields: [:], visitedStates: [state], pausedFrom: nil, stageClock: nil, clocks: [:],
                    openRecommendations: 0, outcome: outcome, filedAt: openedAt, acknowledgedAt: nil,
                    lastReporterUpdateAt: nil, triageDueAt: nil, sealedFrom: sealedFrom, restrictedToHead: restrictedToHead),
                seal: .plain, caseID: id)
        var snapshot = CaseSnapshot(
            kind: kind, office: office, state: state, assignee: assignee, filedBy: filedBy, parties: parties,
            fields: document.openedFields(seal, caseID: id), visitedStates: Set(document.visitedStates), pausedFrom: document.pausedFrom,
            stageClock: document.stageClock, clocks: document.clocks, openRecommendations: document.openRecommendations,
            outcome: outcome, filedAt: openedAt, acknowledgedAt: document.acknowledgedAt,
            lastReporterUpdateAt: document.lastReporterUpdateAt, triageDueAt: document.triageDueAt,
            sealedFrom: sealedFrom, restrictedToHead: restrictedToHead, formerAssignees: Set(document.formerAssignees ?? []))
        snapshot.owner = owner
        return snapshot
    }

    /// `snapshot` as this case's snapshot column stores it (its text fields sealed).
    func stored(_ snapshot: CaseSnapshot) -> SnapshotDocument { SnapshotDocument(snapshot, seal: seal, caseID: id) }

    /// Facts for the access policy, given the case's workflow: columns only.
    public func accessFacts(_ workflow: WorkflowDefinition) -> CaseAccessFacts {
        CaseAccessFacts(
            kind: kind, office: office, confidentialToOffice: workflow.confidentialToOffice, filedBy: filedBy,
            parties: parties, assignee: assignee, sealedFrom: sealedFrom, restrictedToHead: restrictedToHead,
            assigneeSeesReporter: workflow.assigneeSeesReporter, owner: owner)
    }
}

/// The case row's party columns, one per role: row security reads them (a policy on cases
/// cannot read case_parties, whose own policy reads cases).
enum CasePartyColumns {
    static let all: [(column: String, role: PartyRole)] = [
        ("subject_ids", .subject), ("conflicted_ids", .conflicted), ("witness_ids", .witness), ("reporter_ids", .reporter),
    ]

    /// The parties in a case row's party columns.
    static func parties(_ row: PostgresRow) throws -> [CaseParty] {
        var parties: [CaseParty] = []
        for (column, role) in all {
            parties += try row.decode(column, as: [String].self).map { CaseParty(personID: $0, role: role) }
        }
        return parties
    }

    /// The ids of `parties` with `role`, as the column stores them.
    static func ids(_ parties: [CaseParty], _ role: PartyRole) -> [String] {
        var seen: Set<String> = []
        return parties.filter { $0.role == role && seen.insert($0.personID).inserted }.map(\.personID)
    }
}

/// A stored value the service cannot have written (an unknown office, priority, role): the row
/// is refused, not read as some plausible default.
public struct StoredValueError: Error, CustomStringConvertible, Sendable {
    public let column: String
    public let value: String
    public var description: String { "impossible stored value in \(column): \"\(value)\"" }
}

enum StoredValue {
    static func parse<Value>(_ row: PostgresRow, _ column: String, _ make: (String) -> Value?) throws -> Value {
        let text = try row.decode(column, as: String.self)
        guard let value = make(text) else { throw StoredValueError(column: column, value: text) }
        return value
    }
}
