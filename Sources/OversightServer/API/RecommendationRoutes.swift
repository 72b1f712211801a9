import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// The recommendations register: the source's team issues recommendations at its report step
/// (`POST /v1/cases/{reference}/recommendations`); `GET /v1/recommendations` lists those the
/// caller may see. Each recommendation is a case: its owner acts on it through the case's
/// transitions (management response, implementation), its source office verifies.
struct RecommendationRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    func register(on group: RouterGroup<Context>) {
        group.post("/cases/{reference}/recommendations", use: issue)
        group.get("/recommendations", use: list)
    }

    @Sendable func issue(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let source = try context.parameters.require("reference", as: CaseReference.self).description
        let body = try await request.decodeStrict(IssueRecommendationRequest.self, context: context)
        let record = try await store.issueRecommendation(try body.recommendation(), from: source, by: context.actor)
        return CaseResponse.edited(record, store: store, actor: context.actor, created: true)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ListResponse<RegisterItem> {
        let query = request.uri.queryParameters
        for name in ["owner", "source", "status", "cursor"] {
            if let value = query[Substring(name)] { try InputCheck.text(name, String(value), maximum: name == "cursor" ? 128 : 128) }
        }
        var filter = RegisterFilter()
        if let owner = query["owner"].map(String.init) {
            if owner == "me" {
                filter.owner = .person(context.actor.id)
            } else if let office = OfficeCode(owner) {
                filter.owner = .office(office)
            } else {
                throw Problem(.badRequest, detail: "owner must be \"me\" or an office code")
            }
        }
        if let source = query["source"] {
            // A malformed reference names no case: an empty register, as for a missing one.
            guard let reference = CaseReference(String(source)) else { return ListResponse(items: [], nextCursor: nil) }
            filter.source = reference.description
        }
        filter.state = query["status"].map(String.init)
        if let priority = query["priority"] {
            guard let value = RecommendationPriority(rawValue: String(priority)) else {
                throw Problem(.badRequest, detail: "priority must be one of high, medium, low")
            }
            filter.priority = value
        }
        if let overdue = query["overdue"] {
            guard let flag = Bool(String(overdue).lowercased()) else { throw Problem(.badRequest, detail: "overdue must be true or false") }
            filter.overdue = flag
        }
        let limit = try InputCheck.limit(query["limit"], default: 50, maximum: CaseStore.maximumPageSize)
        let position = try query["cursor"].map { try RegisterPosition(text: String($0)) }
        let now = store.clock()
        let page = try await store.recommendations(for: context.actor, filter: filter, after: position, limit: limit, at: now)
        let items = page.records.map { record in
            RegisterItem(record, access: store.access(context.actor, to: record), now: now)
        }
        return ListResponse(items: items, nextCursor: page.next?.text)
    }
}

/// `POST /v1/cases/{reference}/recommendations`.
struct IssueRecommendationRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["text", "title", "owner_office", "owner", "priority", "due_date"]

    let text: String
    let title: String?
    let ownerOffice: String
    let owner: String
    let priority: RecommendationPriority
    let dueDate: String

    enum CodingKeys: String, CodingKey {
        case text, title, owner, priority
        case ownerOffice = "owner_office"
        case dueDate = "due_date"
    }

    func validate() throws(Problem) {
        try InputCheck.text("text", text, maximum: 20_000)
        if let title { try InputCheck.text("title", title, maximum: 300) }
        guard OfficeCode(ownerOffice) != nil else {
            throw Problem(.badRequest, detail: "owner_office must be an office code (2 to 8 capital letters)")
        }
        try InputCheck.identifier("owner", owner)
        guard CalendarDay(dueDate) != nil else { throw Problem(.badRequest, detail: "due_date must be a date, YYYY-MM-DD") }
    }

    func recommendation() throws -> NewRecommendation {
        guard let office = OfficeCode(ownerOffice), let due = CalendarDay(dueDate) else { throw Problem(.badRequest) }
        return NewRecommendation(
            text: text, title: title, owner: RecommendationOwner(office: office, personID: owner), priority: priority, dueOn: due)
    }
}

/// A recommendation's own facts, in the case view.
struct RecommendationDetail: Encodable, Sendable {
    let ownerOffice: String
    let owner: String
    let priority: String?
    let dueDate: String?
    let sourceKind: String?
    let managementResponse: String?
    let actionPlan: String?

    init(owner: RecommendationOwner, fields: [String: FieldValue]) {
        func text(_ name: String) -> String? { if case .text(let value) = fields[name] { value } else { nil } }
        ownerOffice = owner.office.rawValue
        self.owner = owner.personID
        priority = text("recommendation_priority")
        dueDate = text("due_date")
        sourceKind = text("source_kind")
        managementResponse = text("management_response")
        actionPlan = text("action_plan")
    }
}

/// One line of the register.
struct RegisterItem: Encodable, Sendable {
    let reference: String
    let title: String
    let state: String
    let priority: String?
    let ownerOffice: String?
    let owner: String?
    let dueDate: String?
    let overdue: Bool
    let sourceKind: String?
    /// The source case's reference: for readers in the source office only.
    let source: String?
    let closedAt: Date?

    init(_ record: CaseRecord, access: CaseAccess, now: Date) {
        let fields = record.snapshot.fields
        func text(_ name: String) -> String? { if case .text(let value) = fields[name] { value } else { nil } }
        reference = record.reference
        title = record.title
        state = record.state
        priority = text("recommendation_priority")
        ownerOffice = record.owner?.office.rawValue
        owner = record.owner?.personID
        dueDate = text("due_date")
        overdue = record.closedAt == nil && record.dueAt < now
        sourceKind = text("source_kind")
        source = access.discloses(.links) ? text("source_reference") : nil
        closedAt = record.closedAt
    }
}
