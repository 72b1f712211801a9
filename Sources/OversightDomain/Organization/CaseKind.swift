/// A kind of case, each with its own workflow (`Config/workflows/<kind>.yaml`): the names
/// are configuration, so this is an open set of validated identifiers.
public struct CaseKind: Hashable, Sendable, Codable, CustomStringConvertible, Comparable, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: CaseKind, rhs: CaseKind) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let investigation: CaseKind = "investigation"
    public static let audit: CaseKind = "audit"
    public static let retaliationReview: CaseKind = "retaliation_review"
    public static let ethicsAdvice: CaseKind = "ethics_advice"
    public static let ombudsCase: CaseKind = "ombuds_case"
    public static let evaluation: CaseKind = "evaluation"
    public static let recommendation: CaseKind = "recommendation"
}

/// How a person is involved in a case. Every party is recused from working it.
public enum PartyRole: String, Sendable, Codable, CaseIterable {
    case reporter
    case subject
    case witness
    /// Declared a conflict of interest without being a party.
    case conflicted
}

/// Case priority, most urgent first.
public enum Priority: String, Sendable, Codable, CaseIterable, Comparable {
    case urgent
    case high
    case normal
    case low

    /// 0 (urgent) to 3 (low): the queue sorts and filters on it (`cases.priority_rank`).
    public var rank: Int {
        switch self {
        case .urgent: 0
        case .high: 1
        case .normal: 2
        case .low: 3
        }
    }

    public init?(rank: Int) {
        guard let priority = Priority.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = priority
    }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}
