import Hummingbird
import OversightDomain
import OversightStore

/// `GET /v1/workflows` and `GET /v1/workflows/{kind}`: the current definitions, for clients
/// that draw a case's possible next steps.
struct WorkflowRoutes: Sendable {
    let store: CaseStore

    struct Summary: Encodable, Sendable {
        let kind: String
        let title: String
        let office: String
        let states: Int
        let transitions: Int
    }

    struct Detail: Encodable, Sendable {
        struct State: Encodable, Sendable {
            let name: String
            let kind: String
            let reporterStatus: String
            let deadlineDays: Int?
            let outcome: String?

            enum CodingKeys: String, CodingKey {
                case name, kind, outcome
                case reporterStatus = "reporter_status"
                case deadlineDays = "deadline_days"
            }
        }

        struct Transition: Encodable, Sendable {
            let name: String
            let from: [String]
            let to: String
            let roles: [String]
            let requires: [String]
            let guards: [String]
            let effects: [String]
            let reopen: Bool
        }

        let kind: String
        let title: String
        let office: String
        let confidentialToOffice: Bool
        let states: [State]
        let transitions: [Transition]

        enum CodingKeys: String, CodingKey {
            case kind, title, office, states, transitions
            case confidentialToOffice = "confidential_to_office"
        }

        init(_ workflow: WorkflowDefinition) {
            kind = workflow.kind.rawValue
            title = workflow.title
            office = workflow.office.rawValue
            confidentialToOffice = workflow.confidentialToOffice
            states = workflow.states.map {
                State(name: $0.name, kind: $0.kind.rawValue, reporterStatus: $0.reporterStatus, deadlineDays: $0.deadlineDays, outcome: $0.outcome)
            }
            transitions = workflow.transitions.map { transition in
                let target =
                    switch transition.to {
                    case .state(let name): name
                    case .previous: "@previous"
                    }
                return Transition(
                    name: transition.name, from: transition.from, to: target, roles: transition.roles.map(\.rawValue),
                    requires: transition.requires, guards: transition.guards.map(\.description),
                    effects: transition.effects.map(\.description), reopen: transition.reopen)
            }
        }
    }

    func register(on group: RouterGroup<OversightRequestContext>) {
        group.get("/workflows") { request, context -> Response in
            _ = try context.requireActor()
            let summaries = store.configuration.workflows.values.sorted { $0.kind < $1.kind }.map {
                Summary(
                    kind: $0.kind.rawValue, title: $0.title, office: $0.office.rawValue, states: $0.states.count, transitions: $0.transitions.count)
            }
            return try JSONBody(value: ListResponse(items: summaries)).response(from: request, context: context)
        }
        group.get("/workflows/{kind}") { request, context -> Response in
            _ = try context.requireActor()
            guard let kind = context.parameters.get("kind"), let workflow = store.configuration.workflow(CaseKind(kind)) else {
                throw Problem(.notFound, detail: "no such workflow")
            }
            return try JSONBody(value: Detail(workflow)).response(from: request, context: context)
        }
    }
}
