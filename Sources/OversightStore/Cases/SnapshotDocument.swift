import Foundation
import OversightDomain

/// The parts of a case's engine snapshot that live in `cases.snapshot` (jsonb); the rest are
/// columns. Field values carry an explicit type tag so a date never comes back as a number.
struct SnapshotDocument: Codable, Sendable {
    struct StoredField: Codable, Sendable {
        let type: String
        let value: String

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

    var fields: [String: StoredField]
    var visitedStates: [String]
    var pausedFrom: String?
    var stageClock: ClockState?
    var clocks: [String: ClockState]
    var openRecommendations: Int
    var acknowledgedAt: Date?
    var lastReporterUpdateAt: Date?
    var triageDueAt: Date?
    /// Absent in snapshots written before separation of duties looked at past assignees.
    var formerAssignees: [String]?

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

    init(_ snapshot: CaseSnapshot) {
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
