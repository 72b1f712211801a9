import OversightDomain
import Testing

/// What each reader is shown of a case: one pure decision, which the API encodes and the
/// store follows (threads, parties, history).
struct CaseDisclosureTests {
    @Test func aHiddenCaseDisclosesNothing() {
        #expect(CaseAccess.denied.disclosed.isEmpty)
    }

    @Test func theReporterSeesTheSummaryOnly() {
        let access = CaseAccess(view: .reporter, actions: [.read, .messageReporter])
        #expect(access.disclosed == [.summary, .reporterThread])
        #expect(access.writesAsReporter)
    }

    @Test func anOfficerSeesTheContentButNotTheRoutingNorWhoReported() {
        let access = CaseAccess(view: .officer, actions: [.read, .comment, .readHistory, .transition])
        #expect(
            access.disclosed == [
                .summary, .content, .assignee, .workflowActions, .links, .reporterThread, .internalThread, .commentAuthors, .parties, .history,
                .internalVersion,
            ])
        #expect(!access.writesAsReporter)
    }

    @Test func historyFollowsTheReadHistoryAction() {
        let access = CaseAccess(view: .officer, actions: [.read, .comment])
        #expect(!access.discloses(.history))
        #expect(access.discloses(.parties))
    }

    @Test func theAssigneeOfAWorkflowThatSaysSoLearnsWhoReported() {
        #expect(CaseAccess(view: .officer, actions: [.read], seesReporterIdentity: true).discloses(.reporterIdentity))
        #expect(!CaseAccess(view: .officer, actions: [.read], seesReporterIdentity: false).discloses(.reporterIdentity))
        // Never through the reporter view, whatever the flag says.
        #expect(!CaseAccess(view: .reporter, actions: [.read], seesReporterIdentity: true).discloses(.reporterIdentity))
    }

    @Test func aRecommendationsFollowUpSeesItsContentAndStepsOnly() {
        let access = CaseAccess(view: .followUp, actions: [.read, .transition])
        #expect(access.disclosed == [.summary, .content, .workflowActions, .internalVersion])
        #expect(!access.writesAsReporter)
    }

    @Test func leadsAndHeadsSeeEverything() {
        let access = CaseAccess(view: .full, actions: Set(CaseAction.allCases))
        #expect(access.disclosed == Set(CaseDisclosure.allCases))
    }
}
