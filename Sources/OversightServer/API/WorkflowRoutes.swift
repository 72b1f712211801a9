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

    struct Detail: ResponseEncodable, Sendable {
        struct State: Encodable, Sendable {
            let name: String
            let kind: String
            let reporterStatus: String
            let deadlineDays: Int?
            let outcome: String?
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
        /// Whether the office opens cases of this kind itself (`POST /v1/offices/{office}/cases`).
        let officeInitiated: Bool
        let states: [State]
        let transitions: [Transition]

        init(_ workflow: WorkflowDefinition) {
            kind = workflow.kind.rawValue
            title = workflow.title
            office = workflow.office.rawValue
            confidentialToOffice = workflow.confidentialToOffice
            officeInitiated = workflow.officeInitiated
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

    func register(on group: RouterGroup<AuthenticatedRequestContext>) {
        group.get("/workflows") { _, _ -> ListResponse<Summary> in
            let summaries = store.configuration.workflows.values.sorted { $0.kind < $1.kind }.map {
                Summary(
                    kind: $0.kind.rawValue, title: $0.title, office: $0.office.rawValue, states: $0.states.count, transitions: $0.transitions.count)
            }
            return ListResponse(items: summaries)
        }
        group.get("/workflows/{kind}") { _, context -> Detail in
            guard let kind = context.parameters.get("kind"), let workflow = store.configuration.workflow(CaseKind(kind)) else {
                throw Problem(.notFound, detail: "no such workflow")
            }
            return Detail(workflow)
        }
    }
}
