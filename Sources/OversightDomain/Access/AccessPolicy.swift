/// How much of a case a person sees.
public enum CaseView: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Nothing, not even that the case exists (the API answers 404).
    case none
    /// Reporter-facing status and the messages addressed to the reporter.
    case reporter
    /// A recommendation as management follows it up (its owner, the owner office's lead and
    /// head, the executive offices): its content and the steps open to the reader, never the
    /// source office's notes, parties or history.
    case followUp
    /// The case's content, internal notes, parties and history, for the officer working it.
    case officer
    /// Everything, with triage and assignment, for the office's lead and head.
    case full

    public static func < (lhs: CaseView, rhs: CaseView) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .none: "none"
        case .reporter: "reporter"
        case .followUp: "follow_up"
        case .officer: "officer"
        case .full: "full"
        }
    }
}

/// What a person may do with a case they can see.
public enum CaseAction: String, Sendable, Hashable, CaseIterable {
    case read
    case messageReporter = "message_reporter"
    case comment
    case readHistory = "read_history"
    case manageParties = "manage_parties"
    case transition
    case claim
    case assign
}

/// The view and the actions, decided together.
public struct CaseAccess: Sendable, Hashable {
    public let view: CaseView
    public let actions: Set<CaseAction>
    /// Whether the reader may learn who reported (DOMAIN.md: the lead, the head and, where the
    /// workflow says so, the assigned officer). Everyone else sees the role "reporter".
    public let seesReporterIdentity: Bool
    /// The parts of the case this reader is shown (`CaseDisclosure`).
    public let disclosed: Set<CaseDisclosure>

    public init(view: CaseView, actions: Set<CaseAction>, seesReporterIdentity: Bool? = nil) {
        self.view = view
        self.actions = actions
        self.seesReporterIdentity = seesReporterIdentity ?? (view == .full)
        self.disclosed = Self.disclosures(view: view, actions: actions, seesReporterIdentity: self.seesReporterIdentity)
    }

    public static let denied = CaseAccess(view: .none, actions: [])

    public func allows(_ action: CaseAction) -> Bool { actions.contains(action) }
}

/// What the access policy needs to know about a case.
public struct CaseAccessFacts: Sendable, Hashable {
    public let kind: CaseKind
    public let office: OfficeCode
    /// From the workflow: visible to its office only (ombuds cases).
    public let confidentialToOffice: Bool
    public let filedBy: String?
    public let parties: [CaseParty]
    public let assignee: String?
    public let sealedFrom: Set<OfficeCode>
    public let restrictedToHead: Bool
    /// From the workflow: the assigned officer may learn who reported.
    public let assigneeSeesReporter: Bool
    /// A recommendation's owner.
    public let owner: RecommendationOwner?

    public init(
        kind: CaseKind, office: OfficeCode, confidentialToOffice: Bool, filedBy: String?, parties: [CaseParty],
        assignee: String?, sealedFrom: Set<OfficeCode> = [], restrictedToHead: Bool = false, assigneeSeesReporter: Bool = false,
        owner: RecommendationOwner? = nil
    ) {
        self.kind = kind
        self.office = office
        self.confidentialToOffice = confidentialToOffice
        self.filedBy = filedBy
        self.parties = parties
        self.assignee = assignee
        self.sealedFrom = sealedFrom
        self.restrictedToHead = restrictedToHead
        self.assigneeSeesReporter = assigneeSeesReporter
        self.owner = owner
    }

    public init(snapshot: CaseSnapshot, workflow: WorkflowDefinition) {
        self.init(
            kind: snapshot.kind, office: snapshot.office, confidentialToOffice: workflow.confidentialToOffice,
            filedBy: snapshot.filedBy, parties: snapshot.parties, assignee: snapshot.assignee,
            sealedFrom: snapshot.sealedFrom, restrictedToHead: snapshot.restrictedToHead,
            assigneeSeesReporter: workflow.assigneeSeesReporter, owner: snapshot.owner)
    }
}

/// Who sees what of a case (DOMAIN.md, "Who may see and do what"). One pure function, so the
/// whole matrix is tested without a database and every endpoint asks the same question.
public struct AccessPolicy: Sendable {
    public let offices: OfficeDirectory

    public init(offices: OfficeDirectory) {
        self.offices = offices
    }

    public func access(for actor: Actor, to facts: CaseAccessFacts) -> CaseAccess {
        let roles = Set(facts.parties.filter { $0.personID == actor.id }.map(\.role))
        // A subject (or declared conflict) never learns of the case from the service, whatever
        // other party roles anyone adds to them, even as its reporter.
        if roles.contains(.subject) || roles.contains(.conflicted) { return .denied }
        // The person who filed sees their own case through the reporter view, whatever their
        // role: they are a party, so recused from its internals.
        if facts.filedBy == actor.id || roles.contains(.reporter) { return Self.reporterAccess }
        // Witnesses see nothing either.
        if !roles.isEmpty { return .denied }
        // A sealed case is invisible to the conflicted office, its administrators included.
        if actor.memberships.contains(where: { facts.sealedFrom.contains($0.office) }) { return .denied }
        // Only case roles in the case's own office see content. This is also what keeps an
        // ombuds case inside the Ombudsperson's office: no role elsewhere reaches it.
        guard let role = actor.caseRole(in: facts.office) else { return followUp(actor, facts) }
        let assigned = facts.assignee == actor.id
        if facts.restrictedToHead, role != .head, !assigned { return .denied }

        switch role {
        case .head, .lead:
            return Self.leadAccess
        case .officer:
            let sharing = offices.office(facts.office)?.sharing ?? .assigned
            guard assigned || sharing == .office else { return .denied }
            if facts.assignee == nil { return Self.officerMayClaimAccess }
            return assigned && facts.assigneeSeesReporter ? Self.assignedOfficerSeeingReporterAccess : Self.officerAccess
        default:
            return .denied
        }
    }

    /// Whether `actor` may see the subject view of a case and respond to it: they are named
    /// as its subject (and as nothing else on it: a declared conflict hides it more), they were
    /// notified, and the workflow's comment period is open (`windowOpen`). They see what the
    /// investigator wrote for them, never the reporter, other parties or notes.
    public func subjectMayRespond(_ actor: Actor, to facts: CaseAccessFacts, windowOpen: Bool) -> Bool {
        let roles = Set(facts.parties.filter { $0.personID == actor.id }.map(\.role))
        return windowOpen && roles == [.subject] && facts.filedBy != actor.id
    }

    /// A recommendation, for readers outside its source office: its owner and the owner
    /// office's lead and head act on it; the executive offices (the Chief of Staff's follows
    /// every recommendation up) and executives read it.
    func followUp(_ actor: Actor, _ facts: CaseAccessFacts) -> CaseAccess {
        guard let owner = facts.owner else { return .denied }
        if actor.id == owner.personID || !actor.roles(in: owner.office).isDisjoint(with: [.lead, .head]) {
            return Self.ownerFollowUpAccess
        }
        if followsUpRecommendations(actor) { return Self.readerFollowUpAccess }
        return .denied
    }

    // The accesses the policy gives, each built once: a queue page judges fifty cases, and
    // building their sets of actions and disclosures each time was a tenth of its CPU.
    static let reporterAccess = CaseAccess(view: .reporter, actions: [.read, .messageReporter])
    static let leadAccess = CaseAccess(
        view: .full, actions: [.read, .messageReporter, .comment, .readHistory, .manageParties, .transition, .assign])
    static let officerAccess = CaseAccess(view: .officer, actions: officerActions, seesReporterIdentity: false)
    static let officerMayClaimAccess = CaseAccess(view: .officer, actions: officerActions.union([.claim]), seesReporterIdentity: false)
    static let assignedOfficerSeeingReporterAccess = CaseAccess(view: .officer, actions: officerActions, seesReporterIdentity: true)
    static let officerActions: Set<CaseAction> = [.read, .messageReporter, .comment, .readHistory, .transition]
    static let ownerFollowUpAccess = CaseAccess(view: .followUp, actions: [.read, .transition])
    static let readerFollowUpAccess = CaseAccess(view: .followUp, actions: [.read])

    /// Executives, and members of the executive offices (the Chief of Staff's).
    public func followsUpRecommendations(_ actor: Actor) -> Bool {
        actor.memberships.contains { $0.role == .executive || offices.office($0.office)?.function == .executive }
    }

    /// Whether `actor` may be assigned the case: a person recused from it may not.
    public func mayBeAssigned(_ actor: Actor, to facts: CaseAccessFacts) -> Bool {
        guard facts.filedBy != actor.id, !facts.parties.contains(where: { $0.personID == actor.id }),
            !actor.memberships.contains(where: { facts.sealedFrom.contains($0.office) })
        else { return false }
        return actor.caseRole(in: facts.office) != nil
    }
}
