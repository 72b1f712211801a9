import Foundation
import OversightDomain
import PostgresClient

/// A case linked to another (the investigation a retaliation review opened).
public struct CaseLink: Sendable, Hashable, Codable {
    public let reference: String
    /// `opened` (this case opened the other) or `opened_by`.
    public let relation: String
}

/// A case as stored, with its parties: what the store reads before deciding anything.
public struct CaseRecord: Sendable, Hashable {
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
    public let openedAt: Date
    public let closedAt: Date?
    public let outcome: String?
    public let version: Int
    public let eventSeq: Int
    public let eventHash: Data
    /// Counts changes the reporter can see: the reporter view's version and ETag.
    public let reporterVersion: Int
    /// From the case row's party columns (subjects, declared conflicts, witnesses, reporters).
    public let parties: [CaseParty]
    /// Linked cases (reference, relation), when the read asked for them.
    public let links: [CaseLink]
    /// The snapshot column's JSON, decoded only when the engine needs it: lists and access
    /// checks read columns only.
    let snapshotJSON: String

    public static func == (lhs: CaseRecord, rhs: CaseRecord) -> Bool { lhs.id == rhs.id && lhs.version == rhs.version }
    public func hash(into hasher: inout Hasher) { hasher.combine(id); hasher.combine(version) }

    /// The columns every case query selects.
    static let columns: StaticString = """
        id, reference, kind, workflow_version_id, office, state, category, priority, title, narrative, occurred_on,
        location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head,
        snapshot, due_at, opened_at, closed_at, outcome, version, event_seq, event_hash, reporter_version,
        subject_ids, conflicted_ids, witness_ids, reporter_ids
        """

    /// Linked cases as one JSON column, for the case view. The link row names the other case,
    /// so a reader who may not see that case still sees the link (and nothing more).
    static let linksColumn: StaticString = """
        , (SELECT coalesce(json_agg(json_build_object('reference', l.linked_reference, 'relation', l.relation)
                                    ORDER BY l.created_at, l.linked_reference), '[]')
           FROM case_links l WHERE l.case_id = cases.id) AS links_json
        """

    /// Reads a row; links come from their JSON column when the query selected it.
    init(row: PostgresRow) throws {
        id = try row.decode("id")
        reference = try row.decode("reference")
        kind = CaseKind(try row.decode("kind", as: String.self))
        workflowVersionID = try row.decode("workflow_version_id")
        office = try StoredValue.parse(row, "office", OfficeCode.init)
        state = try row.decode("state")
        category = try row.decode("category")
        priority = try StoredValue.parse(row, "priority", Priority.init(rawValue:))
        title = try row.decode("title")
        narrative = try row.decode("narrative")
        occurredOn = try row.decode("occurred_on")
        location = try row.decode("location")
        region = try row.decode("region")
        countryOffice = try row.decode("country_office")
        filedBy = try row.decode("filed_by")
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
        version = try row.decode("version")
        eventSeq = try row.decode("event_seq")
        eventHash = try row.decode("event_hash")
        reporterVersion = try row.decode("reporter_version")
        var parties: [CaseParty] = []
        for (column, role) in CasePartyColumns.all {
            parties += try row.decode(column, as: [String].self).map { CaseParty(personID: $0, role: role) }
        }
        self.parties = parties
        links = row.contains("links_json") ? try row.decode("links_json", as: PostgresJSON<[CaseLink]>?.self)?.value ?? [] : []
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
                    lastReporterUpdateAt: nil, triageDueAt: nil, sealedFrom: sealedFrom, restrictedToHead: restrictedToHead))
        return CaseSnapshot(
            kind: kind, office: office, state: state, assignee: assignee, filedBy: filedBy, parties: parties,
            fields: document.fields.mapValues(\.field), visitedStates: Set(document.visitedStates), pausedFrom: document.pausedFrom,
            stageClock: document.stageClock, clocks: document.clocks, openRecommendations: document.openRecommendations,
            outcome: outcome, filedAt: openedAt, acknowledgedAt: document.acknowledgedAt,
            lastReporterUpdateAt: document.lastReporterUpdateAt, triageDueAt: document.triageDueAt,
            sealedFrom: sealedFrom, restrictedToHead: restrictedToHead, formerAssignees: Set(document.formerAssignees ?? []))
    }

    /// Facts for the access policy, given the case's workflow: columns only.
    public func accessFacts(_ workflow: WorkflowDefinition) -> CaseAccessFacts {
        CaseAccessFacts(
            kind: kind, office: office, confidentialToOffice: workflow.confidentialToOffice, filedBy: filedBy,
            parties: parties, assignee: assignee, sealedFrom: sealedFrom, restrictedToHead: restrictedToHead,
            assigneeSeesReporter: workflow.assigneeSeesReporter)
    }
}

/// The case row's party columns, one per role: row security reads them (a policy on cases
/// cannot read case_parties, whose own policy reads cases).
enum CasePartyColumns {
    static let all: [(column: String, role: PartyRole)] = [
        ("subject_ids", .subject), ("conflicted_ids", .conflicted), ("witness_ids", .witness), ("reporter_ids", .reporter),
    ]

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
