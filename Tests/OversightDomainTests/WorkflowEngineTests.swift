import Foundation
import OversightDomain
import Testing

/// Table-driven over every shipped workflow: every terminal state is reachable through the
/// engine, every transition refuses every role it does not list, every guard refuses.
struct WorkflowEngineTests {
    func setup(_ kind: String) throws -> (WorkflowDefinition, WorkflowEngine, WorkflowCast) {
        let workflow = try #require(shippedConfiguration.workflow(CaseKind(kind)))
        return (workflow, WorkflowEngine(workflow: workflow), WorkflowCast(office: workflow.office))
    }

    @Test(arguments: shippedWorkflowKinds)
    func everyTerminalStateIsReachable(_ kind: String) throws {
        let (workflow, engine, cast) = try setup(kind)
        for terminal in workflow.states where terminal.kind == .terminal {
            let path = try #require(workflow.path(to: terminal.name), "no path to \(terminal.name)")
            var snapshot = workflow.newCase(cast: cast)
            var now = epoch
            for transition in path {
                now = now.addingTimeInterval(30 * day)
                let input = workflow.satisfying(transition, on: &snapshot, at: now)
                let decision = try engine.decide(transition.name, on: snapshot, by: cast.actor(for: transition), input: input, at: now)
                snapshot = decision.snapshot
            }
            #expect(snapshot.state == terminal.name)
            #expect(snapshot.outcome == terminal.outcome)
            #expect(snapshot.outcome != nil)
            #expect(snapshot.clocks.values.allSatisfy { $0.stoppedAt != nil })
        }
    }

    @Test(arguments: shippedWorkflowKinds)
    func everyTransitionRefusesRolesItDoesNotList(_ kind: String) throws {
        let (workflow, engine, cast) = try setup(kind)
        for transition in workflow.transitions {
            var snapshot = workflow.newCase(cast: cast)
            snapshot.state = transition.from[0]
            snapshot.visitedStates.insert(snapshot.state)
            let input = workflow.satisfying(transition, on: &snapshot, at: epoch)
            var outsiders: [Actor] = [Role.staff, .executive, .reportReader, .admin].map { cast.person("outsider-\($0)", $0) }
            outsiders.append(cast.person("officer-elsewhere", .officer, in: OfficeCode("ZZZ")!))
            if !transition.roles.contains(.officer) { outsiders.append(cast.otherOfficer) }
            if !transition.roles.contains(.lead) { outsiders.append(cast.lead) }
            if !transition.roles.contains(.head) { outsiders.append(cast.head) }
            for actor in outsiders {
                #expect(
                    throws: TransitionRefusal.roleNotAllowed(transition: transition.name, allowed: transition.roles),
                    "\(kind).\(transition.name) by \(actor.id)"
                ) {
                    try engine.decide(transition.name, on: snapshot, by: actor, input: input, at: epoch)
                }
            }
            // An assignee-only transition refuses an officer who is not the assignee.
            if transition.roles == [.assignee] {
                #expect(throws: TransitionRefusal.self) {
                    try engine.decide(transition.name, on: snapshot, by: cast.otherOfficer, input: input, at: epoch)
                }
            }
        }
    }

    @Test(arguments: shippedWorkflowKinds)
    func partiesAreRecusedWhateverTheirRole(_ kind: String) throws {
        let (workflow, engine, cast) = try setup(kind)
        let transition = try #require(workflow.transitions(from: workflow.initialState.name).first)
        var snapshot = workflow.newCase(cast: cast)
        let input = workflow.satisfying(transition, on: &snapshot, at: epoch)
        for party in ["reporter-1", "subject-1", "witness-1"] {
            let head = cast.person(party, .head)
            #expect(throws: TransitionRefusal.recused) {
                try engine.decide(transition.name, on: snapshot, by: head, input: input, at: epoch)
            }
        }
        snapshot.sealedFrom = [workflow.office]
        #expect(throws: TransitionRefusal.recused) {
            try engine.decide(transition.name, on: snapshot, by: cast.head, input: input, at: epoch)
        }
    }

    @Test(arguments: shippedWorkflowKinds)
    func wrongStatesAndMissingFieldsAreRefused(_ kind: String) throws {
        let (workflow, engine, cast) = try setup(kind)
        for transition in workflow.transitions {
            let actor = cast.actor(for: transition)
            if let elsewhere = workflow.states.first(where: { !transition.from.contains($0.name) }) {
                var snapshot = workflow.newCase(cast: cast)
                snapshot.state = elsewhere.name
                let input = workflow.satisfying(transition, on: &snapshot, at: epoch)
                #expect(throws: TransitionRefusal.wrongState(transition: transition.name, state: elsewhere.name)) {
                    try engine.decide(transition.name, on: snapshot, by: actor, input: input, at: epoch)
                }
            }
            for field in transition.requires {
                var snapshot = workflow.newCase(cast: cast)
                snapshot.state = transition.from[0]
                var input = workflow.satisfying(transition, on: &snapshot, at: epoch)
                input[field] = .text("   ")
                #expect(throws: TransitionRefusal.missingField(field), "\(kind).\(transition.name) without \(field)") {
                    try engine.decide(transition.name, on: snapshot, by: actor, input: input, at: epoch)
                }
            }
        }
        #expect(throws: TransitionRefusal.unknownTransition("teleport")) {
            try engine.decide("teleport", on: workflow.newCase(cast: cast), by: cast.head, at: epoch)
        }
    }

    @Test(arguments: shippedWorkflowKinds)
    func everyGuardRefusesWhenItsConditionFails(_ kind: String) throws {
        let (workflow, engine, cast) = try setup(kind)
        for transition in workflow.transitions {
            for (index, condition) in transition.guards.enumerated() {
                var snapshot = workflow.newCase(cast: cast)
                snapshot.state = transition.from[0]
                var input = workflow.satisfying(transition, on: &snapshot, at: epoch)
                var actor = cast.actor(for: transition)
                switch condition {
                case .approverNotAssignee:
                    snapshot.assignee = actor.id
                case .assigned:
                    snapshot.assignee = nil
                    if transition.roles == [.assignee] { continue }
                case .visited(let state):
                    snapshot.visitedStates.remove(state)
                case .fieldTrue(let field):
                    input[field] = .flag(false)
                case .fieldSet(let field):
                    snapshot.fields[field] = nil
                    input[field] = nil
                case .daysSince(let field, let days):
                    snapshot.fields[field] = .date(epoch.addingTimeInterval(-Double(days - 1) * day))
                case .noOpenRecommendations:
                    snapshot.openRecommendations = 2
                case .anyOf(let alternatives):
                    // Every alternative fails (the shipped ones: a field unset, a period not over).
                    for alternative in alternatives {
                        if case .fieldSet(let field) = alternative {
                            snapshot.fields[field] = nil
                            input[field] = nil
                        }
                        if case .daysSince(let field, let days) = alternative {
                            snapshot.fields[field] = .date(epoch.addingTimeInterval(-Double(days - 1) * day))
                        }
                    }
                }
                // The guards listed before this one must still hold for the refusal to name it.
                if condition == .approverNotAssignee, transition.guards.prefix(index).contains(.assigned) { actor = cast.head }
                #expect(throws: TransitionRefusal.guardFailed(condition), "\(kind).\(transition.name) with \(condition) failing") {
                    try engine.decide(transition.name, on: snapshot, by: actor, input: input, at: epoch)
                }
            }
        }
    }
}

struct RestrictedCaseTests {
    @Test func onlyTheHeadOrTheirAssigneeActsOnARestrictedCase() throws {
        let workflow = try #require(shippedConfiguration.workflow(.investigation))
        let engine = WorkflowEngine(workflow: workflow)
        let cast = WorkflowCast(office: workflow.office)
        var snapshot = workflow.newCase(cast: cast)
        snapshot.restrictedToHead = true
        snapshot.assignee = nil
        #expect(throws: TransitionRefusal.restrictedToHead) {
            try engine.decide("begin_assessment", on: snapshot, by: cast.lead, at: epoch)
        }
        let byHead = try engine.decide("begin_assessment", on: snapshot, by: cast.head, at: epoch)
        #expect(byHead.snapshot.state == "preliminary_assessment")
        snapshot.assignee = cast.lead.id
        #expect(try engine.decide("begin_assessment", on: snapshot, by: cast.lead, at: epoch).to == "preliminary_assessment")
    }
}
