import Foundation

/// A value in a case's free fields (input of transitions, stamps).
public enum FieldValue: Sendable, Hashable, Codable {
    case text(String)
    case flag(Bool)
    case number(Int)
    case date(Date)

    /// Present and, for text, not blank.
    public var isPresent: Bool {
        if case .text(let text) = self { return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .flag(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .date(let date): try container.encode(date.timeIntervalSince1970)
        }
    }
}

/// Someone involved in a case.
public struct CaseParty: Sendable, Hashable, Codable {
    public let personID: String
    public let role: PartyRole

    public init(personID: String, role: PartyRole) {
        self.personID = personID
        self.role = role
    }
}

/// Everything the engine needs to know about a case to decide a transition: no more.
public struct CaseSnapshot: Sendable, Hashable {
    public var kind: CaseKind
    public var office: OfficeCode
    public var state: String
    public var assignee: String?
    /// Everyone who was ever assigned the case: separation of duties looks at all of them.
    public var formerAssignees: Set<String> = []
    public var filedBy: String?
    public var parties: [CaseParty]
    public var fields: [String: FieldValue]
    public var visitedStates: Set<String>
    /// The state a paused case returns to on `@previous`.
    public var pausedFrom: String?
    /// The current state's stage deadline, if it has one.
    public var stageClock: ClockState?
    public var clocks: [String: ClockState]
    public var openRecommendations: Int
    public var outcome: String?
    public var filedAt: Date
    public var acknowledgedAt: Date?
    public var lastReporterUpdateAt: Date?
    public var triageDueAt: Date?
    /// Offices the case is hidden from (conflict routing).
    public var sealedFrom: Set<OfficeCode>
    /// Only the head of the office sees it (a subject works in the office).
    public var restrictedToHead: Bool
    /// A recommendation's owner (the roles `owner` and `owner_head` of its workflow).
    public var owner: RecommendationOwner?

    /// A new case in the workflow's initial state.
    public init(
        workflow: WorkflowDefinition, office: OfficeCode? = nil, filedBy: String?, filedAt: Date,
        parties: [CaseParty] = [], triageDueAt: Date? = nil, sealedFrom: Set<OfficeCode> = [], restrictedToHead: Bool = false
    ) {
        let initial = workflow.initialState
        self.kind = workflow.kind
        self.office = office ?? workflow.office
        self.state = initial.name
        self.assignee = nil
        self.filedBy = filedBy
        self.parties = parties
        self.fields = [:]
        self.visitedStates = [initial.name]
        self.pausedFrom = nil
        self.stageClock = initial.deadlineDays.map { ClockState(limitDays: $0, startedAt: filedAt) }
        self.clocks = [:]
        self.openRecommendations = 0
        self.outcome = nil
        self.filedAt = filedAt
        self.acknowledgedAt = nil
        self.lastReporterUpdateAt = nil
        self.triageDueAt = triageDueAt
        self.sealedFrom = sealedFrom
        self.restrictedToHead = restrictedToHead
    }

    /// A case as stored: every property given.
    public init(
        kind: CaseKind, office: OfficeCode, state: String, assignee: String?, filedBy: String?, parties: [CaseParty],
        fields: [String: FieldValue], visitedStates: Set<String>, pausedFrom: String?, stageClock: ClockState?,
        clocks: [String: ClockState], openRecommendations: Int, outcome: String?, filedAt: Date, acknowledgedAt: Date?,
        lastReporterUpdateAt: Date?, triageDueAt: Date?, sealedFrom: Set<OfficeCode>, restrictedToHead: Bool,
        formerAssignees: Set<String> = []
    ) {
        self.formerAssignees = formerAssignees
        self.kind = kind
        self.office = office
        self.state = state
        self.assignee = assignee
        self.filedBy = filedBy
        self.parties = parties
        self.fields = fields
        self.visitedStates = visitedStates
        self.pausedFrom = pausedFrom
        self.stageClock = stageClock
        self.clocks = clocks
        self.openRecommendations = openRecommendations
        self.outcome = outcome
        self.filedAt = filedAt
        self.acknowledgedAt = acknowledgedAt
        self.lastReporterUpdateAt = lastReporterUpdateAt
        self.triageDueAt = triageDueAt
        self.sealedFrom = sealedFrom
        self.restrictedToHead = restrictedToHead
    }

    /// Whether `personID` is a party to the case or declared a conflict: such a person is
    /// recused whatever their role.
    public func isRecused(_ personID: String) -> Bool {
        filedBy == personID || parties.contains { $0.personID == personID }
    }
}
