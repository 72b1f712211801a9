/// `Config/routing.yaml`: what the filer chose (a category) decides the office, the kind of
/// case, its priority and its triage deadline. The filer never picks an office.
public struct RoutingTable: Sendable, Hashable {
    public let defaultTriageHours: Int
    /// Ordered; the first rule matching the category (and region, when the rule names one) wins.
    public let rules: [RoutingRule]
    /// How overdue items escalate.
    public let escalation: EscalationLadder

    public init(defaultTriageHours: Int, rules: [RoutingRule], escalation: EscalationLadder = .assigneeOnly) {
        self.defaultTriageHours = defaultTriageHours
        self.rules = rules
        self.escalation = escalation
    }

    /// Every category a filer can choose, in the order of the rules.
    public var categories: [String] {
        var seen: Set<String> = []
        return rules.map(\.category).filter { seen.insert($0).inserted }
    }
}

public struct RoutingRule: Sendable, Hashable {
    public let category: String
    public let label: String
    public let office: OfficeCode
    public let kind: CaseKind
    public let priority: Priority
    public let triageHours: Int?
    public let region: String?
    /// Where the rule stands in routing.yaml, recorded on each case it routes.
    public let position: Int

    public init(
        category: String, label: String, office: OfficeCode, kind: CaseKind, priority: Priority,
        triageHours: Int? = nil, region: String? = nil, position: Int
    ) {
        self.category = category
        self.label = label
        self.office = office
        self.kind = kind
        self.priority = priority
        self.triageHours = triageHours
        self.region = region
        self.position = position
    }

    /// How the decision names the rule: `routing.yaml rules[3] (fraud)`.
    public var citation: String {
        "routing.yaml rules[\(position)] (\(category)\(region.map { ", region \($0)" } ?? ""))"
    }
}
