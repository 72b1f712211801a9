import OversightDomain
import Testing

struct WorkflowDiagramTests {
    @Test func mermaidHasEveryStateAndTransitionOfRetaliationReview() throws {
        let workflow = try #require(shippedConfiguration.workflow(.retaliationReview))
        let mermaid = WorkflowDiagram.render(workflow, as: .mermaid)
        #expect(mermaid.hasPrefix("stateDiagram-v2\n"))
        #expect(mermaid.contains("[*] --> request_received"))
        for state in [
            "completeness_check", "info_requested", "preliminary_review", "no_prima_facie_closed", "prima_facie_found",
            "referred_for_investigation", "investigation_report_received", "final_determination",
            "not_established_closed", "established", "protection_measures", "monitored", "closed",
        ] {
            #expect(mermaid.contains("\n    \(state): "), "state \(state) missing")
        }
        for transition in workflow.transitions {
            #expect(mermaid.contains(": \(transition.name) ["), "transition \(transition.name) missing")
        }
        #expect(mermaid.contains("prima_facie_found --> referred_for_investigation: refer_for_investigation [head]"))
        #expect(mermaid.contains("closed --> [*]"))
    }

    @Test func dotAndTextDrawTheSameGraph() throws {
        let workflow = try #require(shippedConfiguration.workflow(.investigation))
        let dot = WorkflowDiagram.render(workflow, as: .dot)
        #expect(dot.hasPrefix("digraph \"investigation\" {"))
        #expect(dot.contains("\"final_report\" -> \"closed_unsubstantiated\" [label=\"close_unsubstantiated\\n(head)\"];"))
        // Returning from a hold is drawn back to each state that can be put on hold.
        #expect(dot.contains("\"on_hold\" -> \"evidence_collection\""))
        let text = WorkflowDiagram.render(workflow, as: .text)
        #expect(text.contains("terminal states:"))
        #expect(text.contains("close_unsubstantiated: final_report -> closed_unsubstantiated by head; requires note; guards approver_not_assignee"))
    }
}
