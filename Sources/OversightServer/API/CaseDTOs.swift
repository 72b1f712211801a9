import Foundation
import OversightDomain
import OversightStore

/// `POST /v1/cases`.
struct FileCaseRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["category", "title", "narrative", "occurred_on", "location", "region", "country_office", "subjects"]

    let category: String
    let title: String
    let narrative: String
    let occurredOn: String?
    let location: String?
    let region: String?
    let countryOffice: String?
    let subjects: [String]?

    enum CodingKeys: String, CodingKey {
        case category, title, narrative, location, region, subjects
        case occurredOn = "occurred_on"
        case countryOffice = "country_office"
    }

    func validate() throws(Problem) {
        try InputCheck.identifier("category", category, maximum: 64)
        try InputCheck.text("title", title, maximum: 300)
        try InputCheck.text("narrative", narrative, maximum: 20_000)
        if let occurredOn { try InputCheck.text("occurred_on", occurredOn, maximum: 32) }
        if let location { try InputCheck.text("location", location, maximum: 300, required: false) }
        if let region { try InputCheck.text("region", region, maximum: 100) }
        if let countryOffice { try InputCheck.text("country_office", countryOffice, maximum: 100) }
        try InputCheck.count("subjects", subjects ?? [], maximum: 20)
        for subject in subjects ?? [] { try InputCheck.identifier("subjects[]", subject) }
    }

    var filing: Filing {
        Filing(
            category: category, title: title, narrative: narrative, occurredOn: occurredOn, location: location,
            region: region, countryOffice: countryOffice, subjects: subjects ?? [])
    }
}

/// `POST /v1/cases/{reference}/transitions`.
struct TransitionRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["transition", "note", "fields"]

    let transition: String
    let note: String?
    let fields: [String: FieldInput]?

    /// A field value as JSON gives it: text, true/false or a whole number.
    enum FieldInput: Decodable, Sendable {
        case text(String)
        case flag(Bool)
        case number(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? container.decode(Int.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        var value: FieldValue {
            switch self {
            case .text(let text): .text(text)
            case .flag(let flag): .flag(flag)
            case .number(let number): .number(number)
            }
        }
    }

    func validate() throws(Problem) {
        try InputCheck.identifier("transition", transition, maximum: 64)
        if let note { try InputCheck.text("note", note, maximum: 20_000, required: false) }
        try InputCheck.count("fields", fields ?? [:], maximum: 50)
        for (name, value) in fields ?? [:] {
            try InputCheck.identifier("fields key", name, maximum: 64)
            if case .text(let text) = value { try InputCheck.text("fields.\(name)", text, maximum: 20_000, required: false) }
        }
    }

    var input: [String: FieldValue] {
        var input = (fields ?? [:]).mapValues(\.value)
        if let note { input["note"] = .text(note) }
        return input
    }
}

struct AssignmentRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["assignee"]
    let assignee: String

    func validate() throws(Problem) { try InputCheck.identifier("assignee", assignee) }
}

struct CommentRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["body", "visibility"]
    let body: String
    let visibility: CaseComment.Visibility?

    func validate() throws(Problem) { try InputCheck.text("body", body, maximum: 20_000) }
}

struct PartyRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["person_id", "role"]
    let personID: String
    let role: PartyRole

    enum CodingKeys: String, CodingKey {
        case role
        case personID = "person_id"
    }

    func validate() throws(Problem) { try InputCheck.identifier("person_id", personID) }
}

/// A case as its reader may see it: the reporter view carries the reporter-facing status
/// only; the officer and full views carry the case's content.
struct CaseResponse: Encodable, Sendable {
    let reference: String
    let view: String
    let status: String
    let title: String
    let openedAt: Date
    let closedAt: Date?
    let version: Int
    // Officer view and up.
    let kind: String?
    let office: String?
    let state: String?
    let category: String?
    let priority: String?
    let narrative: String?
    let occurredOn: String?
    let location: String?
    let region: String?
    let countryOffice: String?
    let assignee: String?
    let outcome: String?
    let dueAt: Date?
    let availableTransitions: [String]?
    let actions: [String]?
    let links: [LinkResponse]?
    // Whoever may learn who reported (full view; the assignee where the workflow says so).
    let filedBy: String?
    // Full view only.
    let routingRule: String?
    let conflict: String?

    struct LinkResponse: Encodable, Sendable {
        let reference: String
        let relation: String
    }

    enum CodingKeys: String, CodingKey {
        case reference, view, status, title, version, kind, office, state, category, priority, narrative, location, region
        case assignee, outcome, actions, links, conflict
        case openedAt = "opened_at"
        case closedAt = "closed_at"
        case occurredOn = "occurred_on"
        case countryOffice = "country_office"
        case dueAt = "due_at"
        case availableTransitions = "available_transitions"
        case filedBy = "filed_by"
        case routingRule = "routing_rule"
    }

    init(_ record: CaseRecord, access: CaseAccess, workflow: WorkflowDefinition?, actor: Actor, links: [CaseLink]) {
        let officer = access.view >= .officer
        let full = access.view == .full
        reference = record.reference
        view = access.view.description
        status = workflow?.state(record.state)?.reporterStatus ?? "in_progress"
        title = record.title
        openedAt = record.openedAt
        closedAt = record.closedAt
        // The reporter's version moves only with what the reporter can see.
        version = officer ? record.version : record.reporterVersion
        kind = officer ? record.kind.rawValue : nil
        office = officer ? record.office.rawValue : nil
        state = officer ? record.state : nil
        category = officer ? record.category : nil
        priority = officer ? record.priority.rawValue : nil
        narrative = officer ? record.narrative : nil
        occurredOn = officer ? record.occurredOn : nil
        location = officer ? record.location : nil
        region = officer ? record.region : nil
        countryOffice = officer ? record.countryOffice : nil
        assignee = officer ? record.assignee : nil
        outcome = officer ? record.outcome : nil
        dueAt = officer && record.dueAt != .distantFuture ? record.dueAt : nil
        availableTransitions = officer ? workflow.map { WorkflowEngine(workflow: $0).available(on: record.snapshot, to: actor).map(\.name) } : nil
        actions = officer ? access.actions.map(\.rawValue).sorted() : nil
        self.links = officer ? links.map { LinkResponse(reference: $0.reference, relation: $0.relation) } : nil
        filedBy = access.seesReporterIdentity ? record.filedBy : nil
        routingRule = full ? record.routingRule : nil
        conflict = full ? record.conflict : nil
    }
}

struct FilingResponse: Encodable, Sendable {
    let reference: String
    let status: String
}

struct CaseListResponse: Encodable, Sendable {
    let cases: [CaseResponse]
}

struct QueueItemResponse: Encodable, Sendable {
    let reference: String
    let kind: String
    let state: String
    let category: String
    let priority: String
    let title: String
    let assignee: String?
    let region: String?
    let openedAt: Date
    let dueAt: Date?
    let overdue: Bool

    enum CodingKeys: String, CodingKey {
        case reference, kind, state, category, priority, title, assignee, region, overdue
        case openedAt = "opened_at"
        case dueAt = "due_at"
    }
}

struct QueueResponse: Encodable, Sendable {
    let cases: [QueueItemResponse]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case cases
        case nextCursor = "next_cursor"
    }
}

struct CommentResponse: Encodable, Sendable {
    let id: UUID
    let author: String
    let visibility: String
    let body: String
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, author, visibility, body
        case createdAt = "created_at"
    }

    init(_ comment: CaseComment) {
        id = comment.id
        author = comment.author
        visibility = comment.visibility.rawValue
        body = comment.body
        createdAt = comment.createdAt
    }
}

struct PartyResponse: Encodable, Sendable {
    let personID: String
    let role: String
    let addedBy: String?
    let addedAt: Date

    enum CodingKeys: String, CodingKey {
        case role
        case personID = "person_id"
        case addedBy = "added_by"
        case addedAt = "added_at"
    }

    init(_ party: StoredParty) {
        personID = party.personID
        role = party.role.rawValue
        addedBy = party.addedBy
        addedAt = party.addedAt
    }
}

struct EventResponse: Encodable, Sendable {
    let seq: Int
    let kind: String
    let actor: String
    let at: Date
    let data: [String: String]
    let hash: String
    let prevHash: String

    enum CodingKeys: String, CodingKey {
        case seq, kind, actor, at, data, hash
        case prevHash = "prev_hash"
    }

    init(_ event: CaseEvent) {
        seq = event.seq
        kind = event.kind
        actor = event.actor
        at = event.at
        data = event.data
        hash = Hex.encode(event.hash)
        prevHash = Hex.encode(event.prevHash)
    }
}

struct ListResponse<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
    /// Where the next page starts (`?cursor=`); absent on the last page.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}
