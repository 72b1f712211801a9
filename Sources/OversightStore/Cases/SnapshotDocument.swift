import Foundation
import OversightDomain

/// The parts of a case's engine snapshot that live in `cases.snapshot` (jsonb); the rest are
/// columns. Field values carry an explicit type tag so a date never comes back as a number.
package struct SnapshotDocument: Codable, Sendable {
    package struct StoredField: Codable, Sendable {
        package let type: String
        package let value: String

        init(_ field: FieldValue) {
            switch field {
            case .text(let text): (type, value) = ("text", text)
            case .flag(let flag): (type, value) = ("flag", flag ? "true" : "false")
            case .number(let number): (type, value) = ("number", String(number))
            case .date(let date): (type, value) = ("date", String(date.timeIntervalSince1970))
            }
        }

        var field: FieldValue {
            switch type {
            case "flag": .flag(value == "true")
            case "number": .number(Int(value) ?? 0)
            case "date": .date(Date(timeIntervalSince1970: Double(value) ?? 0))
            default: .text(value)
            }
        }
    }

    package var fields: [String: StoredField]
    package var visitedStates: [String]
    package var pausedFrom: String?
    package var stageClock: ClockState?
    package var clocks: [String: ClockState]
    package var openRecommendations: Int
    package var acknowledgedAt: Date?
    package var lastReporterUpdateAt: Date?
    package var triageDueAt: Date?
    /// Absent in snapshots written before separation of duties looked at past assignees.
    package var formerAssignees: [String]?

    enum CodingKeys: String, CodingKey {
        case fields, clocks
        case visitedStates = "visited_states"
        case pausedFrom = "paused_from"
        case stageClock = "stage_clock"
        case openRecommendations = "open_recommendations"
        case acknowledgedAt = "acknowledged_at"
        case lastReporterUpdateAt = "last_reporter_update_at"
        case triageDueAt = "triage_due_at"
        case formerAssignees = "former_assignees"
    }

    package init(_ snapshot: CaseSnapshot) {
        fields = snapshot.fields.mapValues(StoredField.init)
        visitedStates = snapshot.visitedStates.sorted()
        pausedFrom = snapshot.pausedFrom
        stageClock = snapshot.stageClock
        clocks = snapshot.clocks
        openRecommendations = snapshot.openRecommendations
        acknowledgedAt = snapshot.acknowledgedAt
        lastReporterUpdateAt = snapshot.lastReporterUpdateAt
        triageDueAt = snapshot.triageDueAt
        formerAssignees = snapshot.formerAssignees.isEmpty ? nil : snapshot.formerAssignees.sorted()
    }
}
