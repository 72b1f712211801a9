/// The graph rules of a workflow: one initial state, everything reachable from it, a way out
/// to a terminal state from everywhere, and terminal states left only by a head's reopen.
enum WorkflowValidator {
    static func validate(_ workflow: WorkflowDefinition, file: String, log: inout ProblemLog) {
        let states = workflow.states
        func statePath(_ name: String) -> String {
            states.firstIndex { $0.name == name }.map { "states[\($0)]" } ?? "states"
        }
        func transitionPath(_ index: Int) -> String { "transitions[\(index)]" }

        let initials = states.filter { $0.kind == .initial }
        if initials.count != 1 {
            log.add(
                file, "states",
                "needs exactly one initial state, found \(initials.count)\(initials.isEmpty ? "" : " (\(initials.map(\.name).joined(separator: ", ")))")"
            )
        }

        for (index, name) in workflow.recommendationsFrom.enumerated() where workflow.state(name) == nil {
            log.add(file, "recommendations_from[\(index)]", "no state \"\(name)\"")
        }
        for (index, name) in workflow.subjectRespondsIn.enumerated() where workflow.state(name)?.kind != .active {
            log.add(file, "subject_responds_in[\(index)]", "no active state \"\(name)\"")
        }
        if !workflow.recommendationsFrom.isEmpty, workflow.kind == .recommendation {
            log.add(file, "recommendations_from", "a recommendation does not issue recommendations")
        }

        for (index, transition) in workflow.transitions.enumerated() {
            let sources = transition.from.compactMap(workflow.state)
            if transition.from.isEmpty {
                log.add(file, transitionPath(index) + ".from", "no source state")
            }
            for source in sources where source.kind == .terminal && !transition.reopen {
                log.add(file, transitionPath(index) + ".from", "leaves terminal state \"\(source.name)\" but is not marked reopen")
            }
            if transition.reopen {
                if sources.contains(where: { $0.kind != .terminal }) {
                    log.add(file, transitionPath(index) + ".from", "a reopen leaves terminal states only")
                }
                if transition.roles != [.head] {
                    log.add(file, transitionPath(index) + ".roles", "a reopen may be taken by the head of office only (roles: [head])")
                }
            }
            if transition.to == .previous, sources.contains(where: { $0.kind != .paused }) {
                log.add(file, transitionPath(index) + ".to", "\"@previous\" returns from a pause; every source state must be paused")
            }
        }

        guard initials.count == 1, let initial = initials.first else { return }
        let successors = successorMap(workflow)

        var reachable: Set<String> = [initial.name]
        var frontier = [initial.name]
        while let state = frontier.popLast() {
            for next in successors[state, default: []] where !reachable.contains(next) {
                reachable.insert(next)
                frontier.append(next)
            }
        }
        for state in states where !reachable.contains(state.name) {
            log.add(file, statePath(state.name), "state \"\(state.name)\" is unreachable from the initial state \"\(initial.name)\"")
        }

        var predecessors: [String: Set<String>] = [:]
        for (state, nexts) in successors { for next in nexts { predecessors[next, default: []].insert(state) } }
        var canFinish = Set(states.filter { $0.kind == .terminal }.map(\.name))
        frontier = Array(canFinish)
        while let state = frontier.popLast() {
            for previous in predecessors[state, default: []] where !canFinish.contains(previous) {
                canFinish.insert(previous)
                frontier.append(previous)
            }
        }
        for state in states where state.kind != .terminal && !canFinish.contains(state.name) {
            log.add(file, statePath(state.name), "no terminal state can be reached from \"\(state.name)\"")
        }
    }

    /// Where each state can lead. `@previous` from a paused state leads back to every state
    /// a transition could have paused from; reopens are left out (they are not a way forward).
    static func successorMap(_ workflow: WorkflowDefinition) -> [String: Set<String>] {
        var pausedFrom: [String: Set<String>] = [:]
        for transition in workflow.transitions {
            guard case .state(let target) = transition.to, workflow.state(target)?.kind == .paused else { continue }
            pausedFrom[target, default: []].formUnion(transition.from)
        }
        var successors: [String: Set<String>] = [:]
        for transition in workflow.transitions where !transition.reopen {
            for source in transition.from {
                switch transition.to {
                case .state(let target): successors[source, default: []].insert(target)
                case .previous: successors[source, default: []].formUnion(pausedFrom[source, default: []])
                }
            }
        }
        return successors
    }
}
