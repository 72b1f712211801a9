import Foundation
import OversightDomain
import Testing

/// The four kinds of case the access matrix is checked against.
enum AccessTestCaseKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// An investigation at OIG, whose officers see only the cases assigned to them.
    case investigation
    /// A retaliation review at ECO, which shares its cases with all its officers.
    case retaliationReview
    /// An ombuds case at OMB: confidential to the office, which shares inside itself.
    case ombuds
    /// An investigation at the alternate (AOAC), sealed from OIG.
    case sealedInvestigation

    var testDescription: String { rawValue }

    var kind: CaseKind {
        switch self {
        case .investigation, .sealedInvestigation: .investigation
        case .retaliationReview: .retaliationReview
        case .ombuds: .ombudsCase
        }
    }

    var office: OfficeCode {
        switch self {
        case .investigation: FixtureOrg.code("OIG")
        case .retaliationReview: FixtureOrg.code("ECO")
        case .ombuds: FixtureOrg.code("OMB")
        case .sealedInvestigation: FixtureOrg.code("AOAC")
        }
    }

    /// The "another office" of the matrix; for the sealed case, the office it is sealed from.
    var otherOffice: OfficeCode {
        switch self {
        case .investigation: FixtureOrg.code("ECO")
        case .retaliationReview, .ombuds, .sealedInvestigation: FixtureOrg.code("OIG")
        }
    }

    var confidentialToOffice: Bool { self == .ombuds }
    var sealedFrom: Set<OfficeCode> { self == .sealedInvestigation ? [FixtureOrg.code("OIG")] : [] }

    /// Whether the office's officers see every case of the office (from Config/offices.yaml).
    var officeShares: Bool {
        switch self {
        case .investigation, .sealedInvestigation: false
        case .retaliationReview, .ombuds: true
        }
    }
}

/// How the actor stands to the case.
enum AccessTestRelation: String, CaseIterable, Sendable {
    case none, reporter, subject, witness, assignee, conflicted

    var partyRole: PartyRole? {
        switch self {
        case .subject: .subject
        case .witness: .witness
        case .conflicted: .conflicted
        case .none, .reporter, .assignee: nil
        }
    }
}

private let accessTestActorID = "actor-1"

private func accessTestPolicy() throws -> AccessPolicy {
    AccessPolicy(offices: try FixtureConfiguration.shipped().offices)
}

/// A case of `kind` with a filer, a named subject and no assignee, changed by how the actor stands to it.
private func accessTestFacts(_ kind: AccessTestCaseKind, relation: AccessTestRelation, restrictedToHead: Bool = false) -> CaseAccessFacts {
    var parties = [CaseParty(personID: "subject-9", role: .subject)]
    if let role = relation.partyRole { parties.append(CaseParty(personID: accessTestActorID, role: role)) }
    return CaseAccessFacts(
        kind: kind.kind, office: kind.office, confidentialToOffice: kind.confidentialToOffice,
        filedBy: relation == .reporter ? accessTestActorID : "filer-9", parties: parties,
        assignee: relation == .assignee ? accessTestActorID : nil, sealedFrom: kind.sealedFrom, restrictedToHead: restrictedToHead)
}

/// DOMAIN.md "Who may see and do what", written out independently of AccessPolicy.
private func accessTestExpectedView(role: Role, inCaseOffice: Bool, relation: AccessTestRelation, kind: AccessTestCaseKind) -> CaseView {
    switch relation {
    case .reporter: return .reporter
    case .subject, .witness, .conflicted: return .none
    case .none, .assignee: break
    }
    // Another office (for the sealed case, the very office it is sealed from) sees nothing;
    // this is what keeps ombuds cases inside OMB.
    guard inCaseOffice else { return .none }
    switch role {
    case .head, .lead: return .full
    case .officer: return relation == .assignee || kind.officeShares ? .officer : .none
    case .staff, .executive, .reportReader, .admin: return .none
    }
}

private let accessTestFullActions: Set<CaseAction> = [.read, .messageReporter, .comment, .readHistory, .manageParties, .transition, .assign]
private let accessTestOfficerActions: Set<CaseAction> = [.read, .messageReporter, .comment, .readHistory, .transition]

@Suite("Access policy: who sees what of a case")
struct AccessPolicyTests {
    @Test func shippedSharingIsWhatTheMatrixAssumes() throws {
        let offices = try FixtureConfiguration.shipped().offices
        for kind in AccessTestCaseKind.allCases {
            let office = try #require(offices.office(kind.office), "\(kind.office) missing from offices.yaml")
            #expect((office.sharing == .office) == kind.officeShares, "\(kind.office)")
        }
        #expect(offices.alternate == FixtureOrg.code("AOAC"))
        #expect(try FixtureConfiguration.workflow(.ombudsCase).confidentialToOffice)
        #expect(try FixtureConfiguration.workflow(.investigation).confidentialToOffice == false)
        #expect(try FixtureConfiguration.workflow(.retaliationReview).confidentialToOffice == false)
    }

    @Test("matrix: role x office x relation", arguments: Role.allCases, AccessTestCaseKind.allCases)
    func matrix(role: Role, kind: AccessTestCaseKind) throws {
        let policy = try accessTestPolicy()
        for inCaseOffice in [true, false] {
            let actor = Actor(
                id: accessTestActorID,
                memberships: [OfficeMembership(office: inCaseOffice ? kind.office : kind.otherOffice, role: role)])
            for relation in AccessTestRelation.allCases {
                let facts = accessTestFacts(kind, relation: relation)
                let access = policy.access(for: actor, to: facts)
                let expected = accessTestExpectedView(role: role, inCaseOffice: inCaseOffice, relation: relation, kind: kind)
                let cell = "\(role.rawValue) in \(inCaseOffice ? "the case's office" : "another office"), relation \(relation.rawValue)"
                #expect(access.view == expected, "\(cell)")

                let expectedActions: Set<CaseAction> =
                    switch expected {
                    case .none: []
                    case .reporter: [.read, .messageReporter]
                    case .followUp: [.read]  // never in this matrix: none of its cases is a recommendation
                    case .officer: relation == .assignee ? accessTestOfficerActions : accessTestOfficerActions.union([.claim])
                    case .full: accessTestFullActions
                    }
                #expect(access.actions == expectedActions, "\(cell)")
                #expect(access.view == .none ? access == .denied : access.allows(.read), "\(cell)")

                let assignable = inCaseOffice && Role.caseRoles.contains(role) && (relation == .none || relation == .assignee)
                #expect(policy.mayBeAssigned(actor, to: facts) == assignable, "\(cell): mayBeAssigned")
            }
        }
    }

    // MARK: Named cells

    @Test func directorGeneralCannotReadAnOmbudsCase() throws {
        let policy = try accessTestPolicy()
        let dg = FixtureOrg.actor("dg", ("ODG", .executive), ("ODG", .head))
        let facts = accessTestFacts(.ombuds, relation: .none)
        #expect(policy.access(for: dg, to: facts) == .denied)
        #expect(policy.mayBeAssigned(dg, to: facts) == false)
    }

    @Test func oigLeadCannotReadAnOmbudsCase() throws {
        let policy = try accessTestPolicy()
        let lead = FixtureOrg.actor("oig-lead", ("OIG", .lead), ("OIG", .head))
        #expect(policy.access(for: lead, to: accessTestFacts(.ombuds, relation: .none)).view == .none)
    }

    @Test func administratorInOMBCannotReadAnOmbudsCase() throws {
        let policy = try accessTestPolicy()
        let admin = FixtureOrg.actor("admin", ("OMB", .admin), ("OMB", .staff), ("OMB", .reportReader))
        #expect(policy.access(for: admin, to: accessTestFacts(.ombuds, relation: .none)) == .denied)
        // Even assigned by mistake, an administrator has no case role there.
        #expect(policy.access(for: admin, to: accessTestFacts(.ombuds, relation: .assignee)) == .denied)
    }

    @Test func ombudspersonSeesTheOfficesCases() throws {
        let policy = try accessTestPolicy()
        let ombudsperson = FixtureOrg.actor(accessTestActorID, ("OMB", .officer))
        let access = policy.access(for: ombudsperson, to: accessTestFacts(.ombuds, relation: .none))
        #expect(access.view == .officer)
        #expect(access.allows(.claim))
        #expect(!access.allows(.assign))
    }

    @Test func subjectWhoIsAnOIGOfficerSeesNothing() throws {
        let policy = try accessTestPolicy()
        for role in [Role.officer, .lead, .head] {
            let subject = FixtureOrg.actor(accessTestActorID, ("OIG", role))
            let facts = accessTestFacts(.investigation, relation: .subject)
            #expect(policy.access(for: subject, to: facts) == .denied, "\(role)")
            #expect(policy.mayBeAssigned(subject, to: facts) == false, "\(role)")
        }
    }

    @Test func partyRoleAloneIsEnough() throws {
        // A subject listed among the parties is recused even when assigned by mistake.
        let policy = try accessTestPolicy()
        let officer = FixtureOrg.actor("inv-1", ("OIG", .head))
        let facts = CaseAccessFacts(
            kind: .investigation, office: FixtureOrg.code("OIG"), confidentialToOffice: false, filedBy: nil,
            parties: [CaseParty(personID: "inv-1", role: .subject)], assignee: "inv-1")
        #expect(policy.access(for: officer, to: facts) == .denied)
        #expect(policy.mayBeAssigned(officer, to: facts) == false)
    }

    // MARK: Reporter view

    @Test func reporterGetsTheReporterViewOnlyWhateverTheirRole() throws {
        let policy = try accessTestPolicy()
        let filerHead = FixtureOrg.actor(accessTestActorID, ("OIG", .head))
        let access = policy.access(for: filerHead, to: accessTestFacts(.investigation, relation: .reporter))
        #expect(access.view == .reporter)
        #expect(access.actions == [.read, .messageReporter])
        #expect(!access.allows(.comment))
        #expect(!access.allows(.readHistory))
        #expect(!access.allows(.manageParties))
        #expect(!access.allows(.transition))
    }

    @Test func reporterPartyWithoutFilingGetsTheReporterView() throws {
        // A case entered on someone's behalf lists them as the reporter party.
        let policy = try accessTestPolicy()
        let staff = FixtureOrg.actor("staff-3", ("EVM", .staff))
        let facts = CaseAccessFacts(
            kind: .investigation, office: FixtureOrg.code("OIG"), confidentialToOffice: false, filedBy: nil,
            parties: [CaseParty(personID: "staff-3", role: .reporter)], assignee: nil)
        #expect(policy.access(for: staff, to: facts) == CaseAccess(view: .reporter, actions: [.read, .messageReporter]))
    }

    @Test func visitorSeesTheirOwnOmbudsCaseThroughTheReporterView() throws {
        let policy = try accessTestPolicy()
        let visitor = FixtureOrg.actor(accessTestActorID, ("OIG", .staff))
        #expect(policy.access(for: visitor, to: accessTestFacts(.ombuds, relation: .reporter)).view == .reporter)
    }

    // MARK: Officers and sharing

    @Test func unassignedOfficerInASharingOfficeCanClaim() throws {
        let policy = try accessTestPolicy()
        let officer = FixtureOrg.actor("eco-officer", ("ECO", .officer))
        let unassigned = accessTestFacts(.retaliationReview, relation: .none)
        let access = policy.access(for: officer, to: unassigned)
        #expect(access.view == .officer)
        #expect(access.allows(.claim))
        #expect(!access.allows(.assign))
        #expect(!access.allows(.manageParties))
        #expect(policy.mayBeAssigned(officer, to: unassigned))
    }

    @Test func officerCannotClaimACaseAssignedToSomeoneElse() throws {
        let policy = try accessTestPolicy()
        let officer = FixtureOrg.actor("eco-officer", ("ECO", .officer))
        let facts = CaseAccessFacts(
            kind: .retaliationReview, office: FixtureOrg.code("ECO"), confidentialToOffice: false,
            filedBy: "filer-9", parties: [], assignee: "eco-officer-2")
        let access = policy.access(for: officer, to: facts)
        #expect(access.view == .officer)
        #expect(access.actions == accessTestOfficerActions)
    }

    @Test func unassignedOfficerInANeedToKnowOfficeSeesNothing() throws {
        let policy = try accessTestPolicy()
        let investigator = FixtureOrg.actor("inv-2", ("OIG", .officer))
        let unassigned = accessTestFacts(.investigation, relation: .none)
        #expect(policy.access(for: investigator, to: unassigned) == .denied)
        // ...but may still be assigned it, and then sees it without claiming.
        #expect(policy.mayBeAssigned(investigator, to: unassigned))
        let assigned = CaseAccessFacts(
            kind: .investigation, office: FixtureOrg.code("OIG"), confidentialToOffice: false,
            filedBy: "filer-9", parties: [], assignee: "inv-2")
        #expect(policy.access(for: investigator, to: assigned) == CaseAccess(view: .officer, actions: accessTestOfficerActions))
    }

    @Test func leadAndHeadCanAssign() throws {
        let policy = try accessTestPolicy()
        for role in [Role.lead, .head] {
            let actor = FixtureOrg.actor("oig-\(role.rawValue)", ("OIG", role))
            let access = policy.access(for: actor, to: accessTestFacts(.investigation, relation: .none))
            #expect(access.view == .full, "\(role)")
            #expect(access.allows(.assign), "\(role)")
            #expect(!access.allows(.claim), "\(role)")
        }
    }

    @Test func highestCaseRoleCounts() throws {
        // An officer who is also the office's lead gets the lead's view.
        let policy = try accessTestPolicy()
        let actor = FixtureOrg.actor("oig-both", ("OIG", .officer), ("OIG", .lead))
        #expect(policy.access(for: actor, to: accessTestFacts(.investigation, relation: .none)).view == .full)
    }

    // MARK: Restricted to head

    @Test func restrictedCaseIsForTheHeadUntilAssigned() throws {
        let policy = try accessTestPolicy()
        let restricted = accessTestFacts(.retaliationReview, relation: .none, restrictedToHead: true)
        let head = FixtureOrg.actor(accessTestActorID, ("ECO", .head))
        let lead = FixtureOrg.actor(accessTestActorID, ("ECO", .lead))
        let officer = FixtureOrg.actor(accessTestActorID, ("ECO", .officer))
        #expect(policy.access(for: head, to: restricted).view == .full)
        #expect(policy.access(for: lead, to: restricted) == .denied)
        #expect(policy.access(for: officer, to: restricted) == .denied)

        let assigned = accessTestFacts(.retaliationReview, relation: .assignee, restrictedToHead: true)
        #expect(policy.access(for: lead, to: assigned).view == .full)
        #expect(policy.access(for: officer, to: assigned).view == .officer)
        #expect(policy.access(for: officer, to: assigned).allows(.claim) == false)
    }

    @Test func restrictedCaseStillHidesFromOtherOffices() throws {
        let policy = try accessTestPolicy()
        let restricted = accessTestFacts(.investigation, relation: .none, restrictedToHead: true)
        #expect(policy.access(for: FixtureOrg.actor(accessTestActorID, ("ECO", .head)), to: restricted) == .denied)
        #expect(policy.access(for: FixtureOrg.actor(accessTestActorID, ("OIG", .head)), to: restricted).view == .full)
    }

    // MARK: Sealed cases

    @Test func sealedCaseIsInvisibleToTheConflictedOfficeEvenWithARoleAtTheAlternate() throws {
        let policy = try accessTestPolicy()
        let sealed = accessTestFacts(.sealedInvestigation, relation: .none)
        for role in Role.allCases {
            let oigMember = FixtureOrg.actor(accessTestActorID, ("AOAC", .head), ("OIG", role))
            #expect(policy.access(for: oigMember, to: sealed) == .denied, "AOAC head who is OIG \(role)")
            #expect(policy.mayBeAssigned(oigMember, to: sealed) == false, "AOAC head who is OIG \(role)")
        }
        let chair = FixtureOrg.actor(accessTestActorID, ("AOAC", .head))
        #expect(policy.access(for: chair, to: sealed).view == .full)
        #expect(policy.mayBeAssigned(chair, to: sealed))
    }

    @Test func sealedFromODGHidesTheCaseFromTheDirectorGeneralsOffice() throws {
        let policy = try accessTestPolicy()
        let facts = CaseAccessFacts(
            kind: .investigation, office: FixtureOrg.code("AOAC"), confidentialToOffice: false, filedBy: "filer-9",
            parties: [], assignee: nil, sealedFrom: [FixtureOrg.code("ODG"), FixtureOrg.code("OIG")])
        let ddgAlsoAtAlternate = FixtureOrg.actor("ddg", ("ODG", .executive), ("AOAC", .lead))
        #expect(policy.access(for: ddgAlsoAtAlternate, to: facts) == .denied)
        #expect(policy.access(for: FixtureOrg.actor("aoac-lead", ("AOAC", .lead)), to: facts).view == .full)
    }

    @Test func accessFactsFromASnapshotCarryTheSealAndTheWorkflowsConfidentiality() throws {
        let workflow = try FixtureConfiguration.workflow(.ombudsCase)
        let snapshot = CaseSnapshot(
            workflow: workflow, filedBy: "visitor-1", filedAt: FixtureTime.at("2026-03-02"),
            parties: [CaseParty(personID: "colleague", role: .subject)],
            sealedFrom: [FixtureOrg.code("OIG")], restrictedToHead: true)
        let facts = CaseAccessFacts(snapshot: snapshot, workflow: workflow)
        #expect(facts.office == FixtureOrg.code("OMB"))
        #expect(facts.kind == .ombudsCase)
        #expect(facts.confidentialToOffice)
        #expect(facts.filedBy == "visitor-1")
        #expect(facts.sealedFrom == [FixtureOrg.code("OIG")])
        #expect(facts.restrictedToHead)
        #expect(facts.assignee == nil)
    }
}
