/// Draws a workflow from its definition: plain text for a terminal, Mermaid for Markdown
/// pages, Graphviz dot for print. States are grouped by kind; transitions are labelled with
/// their name and the roles that may take them.
public enum WorkflowDiagram {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case mermaid
        case dot
    }

    public static func render(_ workflow: WorkflowDefinition, as format: Format) -> String {
        switch format {
        case .text: text(workflow)
        case .mermaid: mermaid(workflow)
        case .dot: dot(workflow)
        }
    }

    static func roles(_ transition: TransitionDefinition) -> String {
        transition.roles.map(\.rawValue).joined(separator: ", ")
    }

    /// Each edge of the graph; `@previous` is drawn back to every state that can pause.
    static func edges(_ workflow: WorkflowDefinition) -> [(from: String, to: String, transition: TransitionDefinition)] {
        var pausedFrom: [String: [String]] = [:]
        for transition in workflow.transitions {
            guard case .state(let target) = transition.to, workflow.state(target)?.kind == .paused else { continue }
            pausedFrom[target, default: []] += transition.from.filter { !(pausedFrom[target] ?? []).contains($0) }
        }
        var edges: [(String, String, TransitionDefinition)] = []
        for transition in workflow.transitions {
            for source in transition.from {
                switch transition.to {
                case .state(let target): edges.append((source, target, transition))
                case .previous:
                    for target in pausedFrom[source, default: []] { edges.append((source, target, transition)) }
                }
            }
        }
        return edges
    }

    static func text(_ workflow: WorkflowDefinition) -> String {
        var lines = [
            "\(workflow.title) (\(workflow.kind)) at \(workflow.office)" + (workflow.confidentialToOffice ? ", confidential to the office" : "")
        ]
        if let clocks = workflow.reporterClocks {
            lines.append("Reporter: acknowledge within \(clocks.acknowledgeDays) days, feedback every \(clocks.feedbackDays) days")
        }
        for clock in workflow.clocks { lines.append("Clock \(clock.name): \(clock.days) days") }
        for kind in StateDefinition.Kind.allCases {
            let states = workflow.states.filter { $0.kind == kind }
            guard !states.isEmpty else { continue }
            lines.append("")
            lines.append("\(kind.rawValue) states:")
            for state in states {
                var line = "  \(state.name) [reporter sees: \(state.reporterStatus)]"
                if let days = state.deadlineDays { line += " deadline \(days) days" }
                if let outcome = state.outcome { line += " outcome \(outcome)" }
                lines.append(line)
            }
        }
        lines.append("")
        lines.append("transitions:")
        for transition in workflow.transitions {
            let target =
                switch transition.to {
                case .state(let name): name
                case .previous: "(previous state)"
                }
            var line = "  \(transition.name): \(transition.from.joined(separator: " | ")) -> \(target) by \(roles(transition))"
            if !transition.requires.isEmpty { line += "; requires \(transition.requires.joined(separator: ", "))" }
            if !transition.guards.isEmpty { line += "; guards \(transition.guards.map(\.description).joined(separator: ", "))" }
            if !transition.effects.isEmpty { line += "; then \(transition.effects.map(\.description).joined(separator: ", "))" }
            if transition.reopen { line += " (reopen)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func mermaid(_ workflow: WorkflowDefinition) -> String {
        var lines = ["stateDiagram-v2", "    %% \(workflow.title) (\(workflow.kind)) at \(workflow.office)"]
        lines.append("    [*] --> \(workflow.initialState.name)")
        for state in workflow.states {
            lines.append("    \(state.name): \(state.name)" + (state.deadlineDays.map { " (\($0) d)" } ?? ""))
        }
        for edge in edges(workflow) {
            lines.append("    \(edge.from) --> \(edge.to): \(edge.transition.name) [\(roles(edge.transition))]")
        }
        for state in workflow.states where state.kind == .terminal {
            lines.append("    \(state.name) --> [*]")
        }
        lines.append("    classDef paused fill:#fff3cd,stroke:#b58b00")
        lines.append("    classDef terminal fill:#e2e3e5,stroke:#41464b")
        let paused = workflow.states.filter { $0.kind == .paused }.map(\.name)
        let terminal = workflow.states.filter { $0.kind == .terminal }.map(\.name)
        if !paused.isEmpty { lines.append("    class \(paused.joined(separator: ",")) paused") }
        if !terminal.isEmpty { lines.append("    class \(terminal.joined(separator: ",")) terminal") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func dot(_ workflow: WorkflowDefinition) -> String {
        var lines = [
            "digraph \"\(workflow.kind)\" {", "  rankdir=LR;", "  label=\"\(workflow.title) at \(workflow.office)\";",
            "  node [shape=box, style=rounded];",
        ]
        for state in workflow.states {
            let shape =
                switch state.kind {
                case .initial: "shape=box, style=\"rounded,bold\""
                case .active: "shape=box, style=rounded"
                case .paused: "shape=box, style=\"rounded,dashed\""
                case .terminal: "shape=doubleoctagon"
                }
            lines.append("  \"\(state.name)\" [\(shape)];")
        }
        for edge in edges(workflow) {
            let style = edge.transition.reopen ? ", style=dashed" : ""
            lines.append("  \"\(edge.from)\" -> \"\(edge.to)\" [label=\"\(edge.transition.name)\\n(\(roles(edge.transition)))\"\(style)];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
