/// One oversight function's procedure as validated data: its states, the transitions between
/// them, who may take each, what must hold first, and what follows. Loaded from
/// `Config/workflows/<kind>.yaml`; a case is pinned to the version it started with.
public struct WorkflowDefinition: Sendable, Hashable {
    public let kind: CaseKind
    public let title: String
    /// The office whose queue receives cases of this kind (before conflict routing).
    public let office: OfficeCode
    /// Cases visible to their office only, whatever anyone's role elsewhere (ombuds cases).
    public let confidentialToOffice: Bool
    /// Whether the officer assigned to a case may learn who reported it (the lead and the
    /// head always may); otherwise the reporter is "reporter" to them as to everyone else.
    public let assigneeSeesReporter: Bool
    /// Whether the office opens cases of this kind itself (planned work: audits, evaluations),
    /// besides any filing routed to it.
    public let officeInitiated: Bool
    /// The states in which the case's team issues recommendations (the report's step of an
    /// audit, an evaluation, an investigation's management-implication report).
    public let recommendationsFrom: [String]
    /// The states in which a subject who was notified sees the subject view and may respond
    /// (the investigation's comment period).
    public let subjectRespondsIn: [String]
    /// Acknowledgement and feedback duties to the reporter; nil when none are imposed.
    public let reporterClocks: ReporterClockPolicy?
    /// Named clocks that transitions start and stop (e.g. the 180-day investigation clock).
    public let clocks: [ClockDefinition]
    public let states: [StateDefinition]
    public let transitions: [TransitionDefinition]

    public init(
        kind: CaseKind, title: String, office: OfficeCode, confidentialToOffice: Bool, assigneeSeesReporter: Bool = false,
        officeInitiated: Bool = false, recommendationsFrom: [String] = [], subjectRespondsIn: [String] = [], reporterClocks: ReporterClockPolicy?,
        clocks: [ClockDefinition],
        states: [StateDefinition], transitions: [TransitionDefinition]
    ) {
        self.kind = kind
        self.title = title
        self.office = office
        self.confidentialToOffice = confidentialToOffice
        self.assigneeSeesReporter = assigneeSeesReporter
        self.officeInitiated = officeInitiated
        self.recommendationsFrom = recommendationsFrom
        self.subjectRespondsIn = subjectRespondsIn
        self.reporterClocks = reporterClocks
        self.clocks = clocks
        self.states = states
        self.transitions = transitions
    }

    public func state(_ name: String) -> StateDefinition? { states.first { $0.name == name } }
    public func transition(_ name: String) -> TransitionDefinition? { transitions.first { $0.name == name } }
    public func clock(_ name: String) -> ClockDefinition? { clocks.first { $0.name == name } }

    /// No stage deadline, no clock and no duty to the reporter (the ombuds workflow): cases of
    /// this kind owe nothing by a date, triage included.
    public var imposesNoDeadlines: Bool {
        reporterClocks == nil && clocks.isEmpty && states.allSatisfy { $0.deadlineDays == nil }
    }

    /// The state every case of this kind starts in (the validator guarantees exactly one).
    public var initialState: StateDefinition { states.first { $0.kind == .initial }! }

    /// Transitions that can be attempted from `state`.
    public func transitions(from state: String) -> [TransitionDefinition] {
        transitions.filter { $0.from.contains(state) }
    }
}

public struct StateDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Where a case starts; exactly one per workflow.
        case initial
        /// Work is under way; stage clocks run.
        case active
        /// Waiting (on hold, information requested): every clock is paused.
        case paused
        /// Closed; only a `reopen` transition taken by the head leaves it.
        case terminal
    }

    public let name: String
    public let kind: Kind
    /// What the reporter sees while the case is here (`received`, `in_progress`, `closed`):
    /// never an internal sub-status.
    public let reporterStatus: String
    /// The stage deadline, counted from entering the state; nil for none.
    public let deadlineDays: Int?
    /// The outcome recorded when a case closes here (terminal states only).
    public let outcome: String?

    public init(name: String, kind: Kind, reporterStatus: String, deadlineDays: Int? = nil, outcome: String? = nil) {
        self.name = name
        self.kind = kind
        self.reporterStatus = reporterStatus
        self.deadlineDays = deadlineDays
        self.outcome = outcome
    }
}

/// Who may take a transition, judged in the case's office.
public enum TransitionRole: String, Sendable, Codable, CaseIterable {
    case officer
    case lead
    case head
    /// The officer the case is assigned to (holding any case role in the office).
    case assignee
    /// A recommendation's owner: the person in management who answers for it.
    case owner
    /// The head of a recommendation's owner office (who may formally accept the risk).
    case ownerHead = "owner_head"
}

public struct TransitionDefinition: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case state(String)
        /// Back to the state the case was paused from (`to: "@previous"`).
        case previous
    }

    public let name: String
    /// Source states, with `*active` and `*open` already expanded.
    public let from: [String]
    public let to: Target
    public let roles: [TransitionRole]
    /// Input fields that must be present and non-empty.
    public let requires: [String]
    /// Input fields that, when given, must be one of a closed list (an ethics topic).
    public let choices: [String: [String]]
    public let guards: [Guard]
    public let effects: [Effect]
    /// Leaves a terminal state; only an office head may take it.
    public let reopen: Bool

    public init(
        name: String, from: [String], to: Target, roles: [TransitionRole], requires: [String] = [],
        choices: [String: [String]] = [:], guards: [Guard] = [], effects: [Effect] = [], reopen: Bool = false
    ) {
        self.name = name
        self.from = from
        self.to = to
        self.roles = roles
        self.requires = requires
        self.choices = choices
        self.guards = guards
        self.effects = effects
        self.reopen = reopen
    }
}

/// A condition on the case that must hold before a transition is taken.
public enum Guard: Sendable, Hashable, CustomStringConvertible {
    /// Separation of duties: the person approving is not the one who did the work.
    case approverNotAssignee
    /// The case has an assignee.
    case assigned
    /// The case has been in this state at some point (e.g. interim protection only from
    /// preliminary review onwards).
    case visited(String)
    /// A case field is `true` (e.g. the visitor's recorded consent).
    case fieldTrue(String)
    /// A case field has been set (e.g. the subject was notified).
    case fieldSet(String)
    /// At least `days` have passed since the date in `field` (e.g. the subject's comment period).
    case daysSince(field: String, days: Int)
    /// Every recommendation raised by the case is closed.
    case noOpenRecommendations
    /// At least one of the guards holds (the subject responded, or their period ended).
    indirect case anyOf([Guard])

    public var description: String {
        switch self {
        case .approverNotAssignee: "approver_not_assignee"
        case .assigned: "assigned"
        case .visited(let state): "visited(\(state))"
        case .fieldTrue(let field): "field_true(\(field))"
        case .fieldSet(let field): "field_set(\(field))"
        case .daysSince(let field, let days): "days_since(\(field), \(days))"
        case .noOpenRecommendations: "no_open_recommendations"
        case .anyOf(let guards): "any_of(\(guards.map(\.description).joined(separator: ", ")))"
        }
    }
}

/// Who a notification goes to.
public enum NotificationRecipient: String, Sendable, Codable, CaseIterable {
    case reporter
    case assignee
    case officeLead = "office_lead"
    case officeHead = "office_head"
    case subject
}

/// What follows from a transition, applied by the store in the same transaction.
public enum Effect: Sendable, Hashable, CustomStringConvertible {
    case startClock(String)
    case stopClock(String)
    /// Sets a date field to the transition's time (e.g. `subject_notified_at`).
    case stamp(String)
    case notify(NotificationRecipient)
    /// Opens a linked case of `kind` at `office` (or at the alternate when that office is
    /// conflicted), linked both ways.
    case openLinkedCase(kind: CaseKind, office: OfficeCode)
    /// A referral: the office named in the input `field` receives a linked case of the kind
    /// `Referral.targets` gives it (at the alternate when conflicted); a referral to anyone
    /// else (national authorities, HR) opens nothing and stays on record in the history.
    case refer(Referral)
    /// Destroys identifying details and notes at close (ombuds cases).
    case redactIdentifyingDetails

    public var description: String {
        switch self {
        case .startClock(let clock): "start_clock(\(clock))"
        case .stopClock(let clock): "stop_clock(\(clock))"
        case .stamp(let field): "stamp(\(field))"
        case .notify(let recipient): "notify(\(recipient.rawValue))"
        case .openLinkedCase(let kind, let office): "open_linked_case(\(kind) at \(office))"
        case .refer(let referral): "refer(\(referral.field): \(referral.targets.keys.map(\.rawValue).sorted().joined(separator: ", ")))"
        case .redactIdentifyingDetails: "redact_identifying_details"
        }
    }
}

/// Where a referral may open a case, and what consent it needs.
public struct Referral: Sendable, Hashable {
    /// The input field naming the receiving office (e.g. `referred_to`).
    public let field: String
    /// Office -> the kind of case opened there.
    public let targets: [OfficeCode: CaseKind]
    /// Office -> the input field that must be true first (an ombuds referral needs the
    /// reporter's consent).
    public let consent: [OfficeCode: String]

    public init(field: String, targets: [OfficeCode: CaseKind], consent: [OfficeCode: String] = [:]) {
        self.field = field
        self.targets = targets
        self.consent = consent
    }
}

public struct ClockDefinition: Sendable, Hashable {
    public let name: String
    public let days: Int

    public init(name: String, days: Int) {
        self.name = name
        self.days = days
    }
}

/// The service's duties to the person who filed: acknowledge within N days, then give
/// feedback at least every M days while the case is open.
public struct ReporterClockPolicy: Sendable, Hashable {
    public let acknowledgeDays: Int
    public let feedbackDays: Int

    public init(acknowledgeDays: Int, feedbackDays: Int) {
        self.acknowledgeDays = acknowledgeDays
        self.feedbackDays = feedbackDays
    }
}
