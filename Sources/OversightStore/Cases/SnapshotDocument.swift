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

        init(sealed: Data) {
            (type, value) = ("sealed", sealed.base64EncodedString())
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

    /// Text fields the reports count in SQL (codes, not words): kept in clear. Every other
    /// text a transition records (notes, reasons, the subject's summary, an action plan) is
    /// sealed under the case's key like the narrative.
    package static let clearTextFields: Set<String> = ["ioa_category", "visitor_type"]

    static func place(_ field: String, _ caseID: UUID) -> SealedPlace { SealedPlace("cases", "snapshot.fields.\(field)", row: caseID) }

    /// The document of `snapshot` for the case `caseID`, its text fields sealed with `seal`.
    package init(_ snapshot: CaseSnapshot, seal: CaseSeal, caseID: UUID) {
        self.init(snapshot)
        sealTextFields(seal, caseID: caseID)
    }

    /// Seals the text fields still in clear (all but `clearTextFields`).
    mutating func sealTextFields(_ seal: CaseSeal, caseID: UUID) {
        guard seal.seals else { return }
        for (name, field) in fields where field.type == "text" && !Self.clearTextFields.contains(name) {
            fields[name] = StoredField(sealed: seal.seal(field.value, at: Self.place(name, caseID)))
        }
    }

    /// The fields as the engine reads them, sealed ones opened (one that does not open is
    /// left out: every guard that needs it then refuses).
    func openedFields(_ seal: CaseSeal, caseID: UUID) -> [String: FieldValue] {
        var opened: [String: FieldValue] = [:]
        for (name, field) in fields {
            if field.type == "sealed" {
                guard let data = Data(base64Encoded: field.value), let text = try? seal.openText(data, at: Self.place(name, caseID)) else { continue }
                opened[name] = .text(text)
            } else {
                opened[name] = field.field
            }
        }
        return opened
    }

    private init(_ snapshot: CaseSnapshot) {
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

extension SnapshotDocument {
    /// A JSON string literal.
    package static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The document as the `snapshot` column stores it: what `JSONEncoder` would write (dates as
    /// seconds since 2001), by hand when there are no fields: the seeder writes one per case
    /// and JSONEncoder dominated its profile.
    package var json: String {
        let document = self
        guard document.fields.isEmpty else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
        }
        func date(_ value: Date) -> String { "\(value.timeIntervalSinceReferenceDate)" }
        func clock(_ clock: ClockState) -> String {
            var parts = ["\"limit_days\":\(clock.limitDays)", "\"started_at\":" + date(clock.startedAt), "\"paused_seconds\":\(clock.pausedSeconds)"]
            if let pausedAt = clock.pausedAt { parts.append("\"paused_at\":" + date(pausedAt)) }
            if let stoppedAt = clock.stoppedAt { parts.append("\"stopped_at\":" + date(stoppedAt)) }
            return "{" + parts.joined(separator: ",") + "}"
        }
        var parts = ["\"fields\":{}", "\"visited_states\":[" + document.visitedStates.map(Self.quoted).joined(separator: ",") + "]"]
        if let pausedFrom = document.pausedFrom { parts.append("\"paused_from\":" + Self.quoted(pausedFrom)) }
        if let stage = document.stageClock { parts.append("\"stage_clock\":" + clock(stage)) }
        parts.append(
            "\"clocks\":{" + document.clocks.sorted { $0.key < $1.key }.map { Self.quoted($0.key) + ":" + clock($0.value) }.joined(separator: ",")
                + "}")
        parts.append("\"open_recommendations\":\(document.openRecommendations)")
        if let value = document.acknowledgedAt { parts.append("\"acknowledged_at\":" + date(value)) }
        if let value = document.lastReporterUpdateAt { parts.append("\"last_reporter_update_at\":" + date(value)) }
        if let value = document.triageDueAt { parts.append("\"triage_due_at\":" + date(value)) }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
