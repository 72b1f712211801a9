import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// `POST /v1/cases`.
struct FileCaseRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = [
        "category", "title", "narrative", "occurred_on", "location", "region", "country_office", "subjects", "answers",
    ]

    let category: String
    let title: String
    let narrative: String
    let occurredOn: String?
    let location: String?
    let region: String?
    let countryOffice: String?
    let subjects: [String]?
    /// Answers to the category's questionnaire (`GET /v1/intake/questionnaire`), by question id.
    let answers: [String: IntakeAnswerInput]?

    enum CodingKeys: String, CodingKey {
        case category, title, narrative, location, region, subjects, answers
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
        try InputCheck.count("answers", Array((answers ?? [:]).keys), maximum: 50)
        for (question, answer) in answers ?? [:] {
            try InputCheck.identifier("answers", question, maximum: 64)
            if case .text(let text) = answer { try InputCheck.text("answers.\(question)", text, maximum: 5_000) }
        }
    }

    var filing: Filing {
        Filing(
            category: category, title: title, narrative: narrative, occurredOn: occurredOn, location: location,
            region: region, countryOffice: countryOffice, subjects: subjects ?? [], answers: answers ?? [:])
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
struct CaseResponse: ResponseEncodable, Sendable {
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
    /// The intake questionnaire's answers: each question as it was asked, and the answer.
    let answers: [RecordedAnswer]?
    /// Planned work (audits, evaluations): scope, entity, planned period, team.
    let plan: [String: String]?
    /// A recommendation: its owner, priority, due date, and management's response.
    let recommendation: RecommendationDetail?
    /// What the office owes the reporter, and by when: shown to whoever sees the thread with
    /// the reporter, the reporter first of all.
    let reporterDue: ReporterDue?
    // Whoever may learn who reported (full view; the assignee where the workflow says so).
    let filedBy: String?
    // Full view.
    let routingRule: String?
    let conflict: String?

    struct LinkResponse: Encodable, Sendable {
        let reference: String
        let relation: String
    }

    /// The workflow's duties to the reporter (`reporter_clocks`): the acknowledgement while
    /// none was sent, the next feedback while the case is open.
    struct ReporterDue: Encodable, Sendable {
        let acknowledgement: Date?
        let feedback: Date?

        init?(_ items: [DueItem]) {
            acknowledgement = items.first { $0.kind == .acknowledgement }?.dueAt
            feedback = items.first { $0.kind == .feedback }?.dueAt
            if acknowledgement == nil && feedback == nil { return nil }
        }
    }

}

extension CaseResponse {
    /// Encodes what `CaseDisclosure` lets this reader see, and nothing else.
    init(_ record: CaseRecord, access: CaseAccess, workflow: WorkflowDefinition?, actor: Actor, links: [CaseLink]) {
        // The snapshot column is JSON: decoded once, and only for a reader shown what needs it.
        var decoded: CaseSnapshot?
        func snapshot() -> CaseSnapshot {
            if let decoded { return decoded }
            decoded = record.snapshot
            return decoded!
        }
        func shown<Value>(_ part: CaseDisclosure, _ value: @autoclosure () -> Value?) -> Value? { access.discloses(part) ? value() : nil }
        reference = record.reference
        view = access.view.description
        status = workflow?.state(record.state)?.reporterStatus ?? "in_progress"
        title = record.title
        openedAt = record.openedAt
        closedAt = record.closedAt
        version = access.discloses(.internalVersion) ? record.version : record.reporterVersion
        kind = shown(.content, record.kind.rawValue)
        office = shown(.content, record.office.rawValue)
        state = shown(.content, record.state)
        category = shown(.content, record.category)
        priority = shown(.content, record.priority.rawValue)
        narrative = shown(.content, record.narrative)
        occurredOn = shown(.content, record.occurredOn)
        location = shown(.content, record.location)
        region = shown(.content, record.region)
        countryOffice = shown(.content, record.countryOffice)
        outcome = shown(.content, record.outcome)
        dueAt = record.dueAt == .distantFuture ? nil : shown(.content, record.dueAt)
        assignee = shown(.assignee, record.assignee)
        availableTransitions =
            shown(.workflowActions, workflow.map { WorkflowEngine(workflow: $0).available(on: snapshot(), to: actor).map(\.name) })
        actions = shown(.workflowActions, access.actions.map(\.rawValue).sorted())
        self.links = shown(.links, links.map { LinkResponse(reference: $0.reference, relation: $0.relation) })
        answers = record.answers.isEmpty ? nil : shown(.content, record.answers)
        plan = shown(.content, Self.plan(snapshot()))
        recommendation = shown(.content, record.owner.map { RecommendationDetail(owner: $0, fields: snapshot().fields) })
        reporterDue = shown(.reporterThread, workflow.flatMap { ReporterDue(CaseDeadlines(workflow: $0).dueItems(for: snapshot())) })
        filedBy = shown(.reporterIdentity, record.filedBy)
        routingRule = shown(.routing, record.routingRule)
        conflict = shown(.routing, record.conflict)
    }
}

extension CaseResponse {
    /// The case as `actor` may see it, with its ETag (the reporter's follows the reporter's
    /// version, so polling it reveals no internal work); `created` adds 201 and Location.
    static func edited(
        _ record: CaseRecord, access: CaseAccess? = nil, store: CaseStore, actor: Actor, links: [CaseLink] = [], created: Bool = false
    ) -> EditedResponse<CaseResponse> {
        let access = access ?? store.access(actor, to: record)
        let body = CaseResponse(
            record, access: access, workflow: store.catalog.workflow(version: record.workflowVersionID), actor: actor, links: links)
        let etag = access.discloses(.internalVersion) ? "\"\(record.version)\"" : "\"r\(record.reporterVersion)\""
        var headers: HTTPFields = [.eTag: etag]
        if created { headers[.location] = "/v1/cases/\(record.reference)" }
        return EditedResponse(status: created ? .created : nil, headers: headers, response: body)
    }

    /// The plan's fields, as text; nil for a case that is not planned work.
    static func plan(_ snapshot: CaseSnapshot) -> [String: String]? {
        let fields = snapshot.fields
        guard fields["planned_by"] != nil else { return nil }
        var plan: [String: String] = [:]
        for name in PlannedWork.fieldNames {
            if case .text(let value) = fields[name] { plan[name] = value }
        }
        return plan
    }
}

struct FilingResponse: ResponseEncodable, Sendable {
    let reference: String
    let status: String
    /// The cases the answers opened at other offices (absent when none did).
    let alsoOpened: [String]?
}

struct CaseListResponse: ResponseEncodable, Sendable {
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

    init(
        reference: String, kind: String, state: String, category: String, priority: String, title: String, assignee: String?,
        region: String?, openedAt: Date, dueAt: Date?, overdue: Bool
    ) {
        self.reference = reference
        self.kind = kind
        self.state = state
        self.category = category
        self.priority = priority
        self.title = title
        self.assignee = assignee
        self.region = region
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.overdue = overdue
    }

    /// A case as a list shows it (the queue, search), overdue as of `now`.
    init(_ record: CaseListing, at now: Date) {
        self.init(
            reference: record.reference, kind: record.kind.rawValue, state: record.state, category: record.category,
            priority: record.priority.rawValue, title: record.title, assignee: record.assignee, region: record.region,
            openedAt: record.openedAt, dueAt: record.dueAt == .distantFuture ? nil : record.dueAt, overdue: record.dueAt < now)
    }
}

/// Written by `ListJSON` (its `Encodable` form is what the writer is held to).
struct SearchResponse: Encodable, Sendable {
    let cases: [QueueItemResponse]
    /// How many cases match that the caller may see (never one they may not), up to 100.
    let total: Int
    /// False when more than `total` match.
    let totalIsExact: Bool
    let nextCursor: String?
}

/// Written by `ListJSON` (its `Encodable` form is what the writer is held to).
struct QueueResponse: Encodable, Sendable {
    let cases: [QueueItemResponse]
    let nextCursor: String?

}

struct CommentResponse: ResponseEncodable, Sendable {
    let id: UUID
    let author: String
    let visibility: String
    let body: String
    let createdAt: Date
    /// The reporter's thread of a report made to several offices: the other case a message
    /// belongs to (absent for the case asked about).
    let reference: String?

    init(_ comment: CaseComment) {
        id = comment.id
        author = comment.author
        visibility = comment.visibility.rawValue
        body = comment.body
        createdAt = comment.createdAt
        reference = comment.reference
    }
}

struct PartyResponse: ResponseEncodable, Sendable {
    let personID: String
    let role: String
    let addedBy: String?
    let addedAt: Date

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

struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    /// Where the next page starts (`?cursor=`); absent on the last page.
    var nextCursor: String?

}
