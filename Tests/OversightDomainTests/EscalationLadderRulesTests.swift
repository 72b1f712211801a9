import Foundation
import OversightDomain
import Testing

/// The ladder's arithmetic and its one confidentiality rule, without a database.
struct EscalationLadderRulesTests {
    let ladder = EscalationLadder(rungs: [
        EscalationRung(afterDays: 0, recipient: .assignee), EscalationRung(afterDays: 7, recipient: .officeHead),
        EscalationRung(afterDays: 14, recipient: .headOf(OfficeCode("COS")!)), EscalationRung(afterDays: 21, recipient: .directorGeneral),
    ])
    let due = Date(timeIntervalSince1970: 1_800_000_000)

    func at(days: Double) -> Date { due.addingTimeInterval(days * 86_400) }

    @Test func levelsComeDueOneAtATimeAndSayWhenTheNextIs() {
        #expect(ladder.levels(dueAt: due, at: at(days: -1)) == ([], due))
        #expect(ladder.levels(dueAt: due, at: due) == ([1], at(days: 7)))
        #expect(ladder.levels(dueAt: due, at: at(days: 13.9)) == ([1, 2], at(days: 14)))
        #expect(ladder.levels(dueAt: due, at: at(days: 30)) == ([1, 2, 3, 4], nil))
    }

    @Test func onlyTheOfficesOwnRungsStayInside() {
        #expect(EscalationLadder.staysInOffice(.assignee))
        #expect(EscalationLadder.staysInOffice(.officeHead))
        #expect(!EscalationLadder.staysInOffice(.headOf(OfficeCode("COS")!)))
        #expect(!EscalationLadder.staysInOffice(.directorGeneral))
    }

    @Test func withoutConfigurationTheAssigneeIsToldOnce() {
        #expect(EscalationLadder.assigneeOnly.levels(dueAt: due, at: at(days: 100)) == ([1], nil))
    }
}
