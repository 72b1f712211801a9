import Foundation
import OversightDomain
import PostgresClient

/// Work an office plans and opens itself (an internal audit, an evaluation), rather than a
/// filing routed to it: no reporter, no routing, no triage clock.
public struct PlannedWork: Sendable, Hashable {
    public let kind: CaseKind
    public let title: String
    /// What the engagement covers.
    public let scope: String?
    /// The audited or evaluated entity: an office code, a region, a country office or a
    /// programme's name.
    public let entity: String?
    public let plannedStart: CalendarDay?
    public let plannedEnd: CalendarDay?
    /// Staff directory ids of the team, recorded on the case (the assignee leads it).
    public let team: [String]

    public init(
        kind: CaseKind, title: String, scope: String? = nil, entity: String? = nil, plannedStart: CalendarDay? = nil,
        plannedEnd: CalendarDay? = nil, team: [String] = []
    ) {
        self.kind = kind
        self.title = title
        self.scope = scope
        self.entity = entity
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.team = team
    }
}

/// What the audited or evaluated entity names, read against `Config/offices.yaml`.
public enum PlannedEntity: Sendable, Hashable {
    case office(OfficeCode)
    case region(String)
    case countryOffice(String, region: String)
    case programme(String)

    /// An office code, then a region, then a country office; anything else is a programme.
    public init(_ text: String, offices: OfficeDirectory) {
        if let code = OfficeCode(text), offices.office(code) != nil {
            self = .office(code)
        } else if offices.regions[text] != nil {
            self = .region(text)
        } else if let region = offices.regions.first(where: { $0.value.contains(text) })?.key {
            self = .countryOffice(text, region: region)
        } else {
            self = .programme(text)
        }
    }

    var type: String {
        switch self {
        case .office: "office"
        case .region: "region"
        case .countryOffice: "country_office"
        case .programme: "programme"
        }
    }

    var region: String? {
        switch self {
        case .region(let region), .countryOffice(_, let region): region
        case .office, .programme: nil
        }
    }

    var countryOffice: String? {
        if case .countryOffice(let name, _) = self { return name }
        return nil
    }
}

extension PlannedWork {
    /// The workflow fields a plan is recorded in (and read back from).
    /// `planned_by` (the office) is always there: it tells planned work from a filing.
    public static let fieldNames = ["planned_by", "scope", "entity", "entity_type", "planned_start", "planned_end", "team"]
}

extension CaseStore {
    /// Opens planned work at `office` for one of its leads or its head: a case of an
    /// office-initiated kind of that office, in its workflow's first state and the office's
    /// queue like any case. The history names who opened it (a member of the office, not a
    /// reporter). The plan's details become workflow fields.
    public func open(_ work: PlannedWork, at office: OfficeCode, by actor: Actor, at time: Date? = nil) async throws -> CaseRecord {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        guard let role = actor.caseRole(in: office), role == .lead || role == .head else { throw CaseStoreError.mayNotOpenPlannedWork }
        guard let (versionID, workflow) = catalog.currentVersion(of: work.kind), workflow.officeInitiated, workflow.office == office else {
            throw CaseStoreError.notPlannedWork(kind: work.kind, office: office)
        }
        if let start = work.plannedStart, let end = work.plannedEnd, end < start {
            throw CaseStoreError.invalidPlannedWork("planned_end \(end) is before planned_start \(start)")
        }
        let entity = work.entity.map { PlannedEntity($0, offices: configuration.offices) }
        if case .office(let audited) = entity, audited == office {
            throw CaseStoreError.invalidPlannedWork("an office does not \(work.kind == .audit ? "audit" : "evaluate") itself")
        }

        var snapshot = CaseSnapshot(workflow: workflow, office: office, filedBy: nil, filedAt: now)
        var fields: [String: FieldValue] = ["planned_by": .text(office.rawValue)]
        fields["scope"] = work.scope.map(FieldValue.text)
        if let entity, let name = work.entity {
            fields["entity"] = .text(name)
            fields["entity_type"] = .text(entity.type)
        }
        fields["planned_start"] = work.plannedStart.map { .text($0.description) }
        fields["planned_end"] = work.plannedEnd.map { .text($0.description) }
        if !work.team.isEmpty { fields["team"] = .text(work.team.joined(separator: ",")) }
        snapshot.fields = fields

        let newCase = NewCase(
            snapshot: snapshot, workflowVersionID: versionID, workflow: workflow, category: work.kind.rawValue, priority: .normal,
            title: work.title, narrative: work.scope ?? "", occurredOn: nil, location: nil, region: entity?.region,
            countryOffice: entity?.countryOffice, routingRule: "planned by \(office.rawValue)", conflict: nil)
        let store = self
        return try await transaction(.person(actor)) { connection in
            var opened = ["kind": work.kind.rawValue, "office": office.rawValue]
            opened["entity_type"] = entity?.type
            let created = try store.insertCase(newCase, events: [NewEvent("opened", opened)], addedBy: actor.id, at: now, connection)
            Self.enqueue("case_opened", caseID: created.id, payload: ["reference": created.reference, "office": office.rawValue], connection)
            guard let record = try store.load(created.reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            return record
        }
    }
}
