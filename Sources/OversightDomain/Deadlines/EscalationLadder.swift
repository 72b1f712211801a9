import Foundation

/// Who an overdue item escalates to at each level (`routing.yaml`, `escalation:`): each rung
/// fires once, its `after_days` past the item's due date.
public struct EscalationRung: Sendable, Hashable {
    public enum Recipient: Sendable, Hashable {
        /// The assigned officer (a recommendation's owner); the office's head when unassigned.
        case assignee
        /// The head of the case's office (of the owner office, for a recommendation).
        case officeHead
        /// The head of a named office (the Chief of Staff's).
        case headOf(OfficeCode)
        case directorGeneral

        public var name: String {
            switch self {
            case .assignee: "assignee"
            case .officeHead: "office_head"
            case .headOf(let office): "head_of:\(office)"
            case .directorGeneral: "director_general"
            }
        }
    }

    public let afterDays: Int
    public let recipient: Recipient

    public init(afterDays: Int, recipient: Recipient) {
        self.afterDays = afterDays
        self.recipient = recipient
    }
}

/// The rungs of the ladder, from level 1.
public struct EscalationLadder: Sendable, Hashable {
    public let rungs: [EscalationRung]

    public init(rungs: [EscalationRung]) {
        self.rungs = rungs
    }

    /// Without configuration: the assignee, once, at the due date.
    public static let assigneeOnly = EscalationLadder(rungs: [EscalationRung(afterDays: 0, recipient: .assignee)])

    /// When the rung of `level` (from 1) is due for an item due at `dueAt`.
    public func firesAt(level: Int, dueAt: Date) -> Date {
        dueAt.addingTimeInterval(Double(rungs[level - 1].afterDays) * 86_400)
    }

    /// The levels due by `now` for an item due at `dueAt`, and when the next one will be.
    public func levels(dueAt: Date, at now: Date) -> (due: [Int], next: Date?) {
        var due: [Int] = []
        for level in 1...max(1, rungs.count) where level <= rungs.count {
            let fires = firesAt(level: level, dueAt: dueAt)
            if fires <= now { due.append(level) } else { return (due, fires) }
        }
        return (due, nil)
    }

    /// Whether a rung may reach outside the case's office: never for a case confidential to
    /// it (an ombuds case never escalates outside OMB).
    public static func staysInOffice(_ recipient: EscalationRung.Recipient) -> Bool {
        switch recipient {
        case .assignee, .officeHead: true
        case .headOf, .directorGeneral: false
        }
    }
}
