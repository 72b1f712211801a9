import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// `POST /v1/offices/{office}/cases`: an office's leads and head open its planned work (an
/// audit at OIG, an evaluation at EVM). It enters the office's queue and workflow like a
/// filed case; the audit plan and the evaluation pipeline are the queue with `?kind=`.
struct PlannedWorkRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    func register(on group: RouterGroup<Context>) {
        group.post("/offices/{office}/cases", use: open)
    }

    @Sendable func open(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let office = try context.parameters.require("office", as: OfficeCode.self)
        let body = try await request.decodeStrict(OpenPlannedWorkRequest.self, context: context)
        let record = try await store.open(try body.plannedWork(), at: office, by: context.actor)
        return CaseResponse.edited(record, store: store, actor: context.actor, created: true)
    }
}

/// `POST /v1/offices/{office}/cases`.
struct OpenPlannedWorkRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["kind", "title", "scope", "entity", "planned_start", "planned_end", "team"]

    let kind: String
    let title: String
    let scope: String?
    let entity: String?
    let plannedStart: String?
    let plannedEnd: String?
    let team: [String]?

    enum CodingKeys: String, CodingKey {
        case kind, title, scope, entity, team
        case plannedStart = "planned_start"
        case plannedEnd = "planned_end"
    }

    func validate() throws(Problem) {
        try InputCheck.identifier("kind", kind, maximum: 64)
        try InputCheck.text("title", title, maximum: 300)
        if let scope { try InputCheck.text("scope", scope, maximum: 20_000, required: false) }
        if let entity { try InputCheck.text("entity", entity, maximum: 200) }
        try InputCheck.count("team", team ?? [], maximum: 50)
        for member in team ?? [] { try InputCheck.identifier("team[]", member) }
        for (name, value) in [("planned_start", plannedStart), ("planned_end", plannedEnd)] {
            if let value, CalendarDay(value) == nil { throw Problem(.badRequest, detail: "\(name) must be a date, YYYY-MM-DD") }
        }
    }

    func plannedWork() throws -> PlannedWork {
        var seen: Set<String> = []
        return PlannedWork(
            kind: CaseKind(kind), title: title, scope: scope, entity: entity, plannedStart: plannedStart.flatMap(CalendarDay.init),
            plannedEnd: plannedEnd.flatMap(CalendarDay.init), team: (team ?? []).filter { seen.insert($0).inserted })
    }
}
