import Yams

/// Reads `offices.yaml` and `routing.yaml`, recording located problems.
enum OfficesReader {
    static func read(_ root: YAMLCursor, log: inout ProblemLog) -> OfficeDirectory? {
        _ = root.keys(allowed: ["alternate", "director_general_office", "offices", "regions"], log: &log)
        let file = root.file
        var offices: [Office] = []
        for cursor in root.sequence("offices", log: &log) {
            _ = cursor.keys(allowed: ["code", "name", "function", "head_title", "sharing", "calendar", "holidays"], log: &log)
            let codeText = cursor.string("code", log: &log)
            let code = codeText.flatMap(OfficeCode.init)
            if let codeText, code == nil { log.add(file, cursor.path + ".code", "\"\(codeText)\" is not an office code (2 to 8 capital letters)") }
            let name = cursor.string("name", log: &log)
            let function = enumValue(cursor, "function", Office.Function.self, log: &log)
            let headTitle = cursor.string("head_title", log: &log)
            let sharing = cursor.has("sharing") ? enumValue(cursor, "sharing", Office.Sharing.self, log: &log) : .assigned
            let calendar = cursor.has("calendar") ? enumValue(cursor, "calendar", Office.Calendar.self, log: &log) : .calendarDays
            let holidays = cursor.strings("holidays", log: &log, required: false)
            for (index, day) in holidays.enumerated() where CalendarDay(day) == nil {
                log.add(file, "\(cursor.path).holidays[\(index)]", "expected a date YYYY-MM-DD, got \"\(day)\"")
            }
            guard let code, let name, let function, let headTitle, let sharing, let calendar else { continue }
            if offices.contains(where: { $0.code == code }) {
                log.add(file, cursor.path + ".code", "duplicate office \(code)")
                continue
            }
            offices.append(
                Office(
                    code: code, name: name, function: function, headTitle: headTitle,
                    sharing: sharing, calendar: calendar, holidays: holidays))
        }
        let alternate = officeReference(root, "alternate", offices, log: &log)
        let directorGeneral = officeReference(root, "director_general_office", offices, log: &log)
        if let alternate, offices.first(where: { $0.code == alternate })?.function != .externalAlternate {
            log.add(file, "alternate", "office \(alternate) is not an external_alternate")
        }
        var regions: [String: [String]] = [:]
        if let cursor = root.child("regions") {
            if let mapping = cursor.node.mapping {
                for (regionNode, countryNodes) in mapping {
                    guard let region = regionNode.string, !region.isEmpty, let sequence = countryNodes.sequence else {
                        log.add(file, "regions", "expected region: [country offices]")
                        continue
                    }
                    regions[region] = sequence.compactMap(\.string)
                }
            } else {
                log.add(file, "regions", "expected a mapping of region to its country offices")
            }
        }
        guard let alternate, let directorGeneral else { return nil }
        return OfficeDirectory(offices: offices, alternate: alternate, directorGeneralOffice: directorGeneral, regions: regions)
    }

    private static func officeReference(_ root: YAMLCursor, _ key: String, _ offices: [Office], log: inout ProblemLog) -> OfficeCode? {
        guard let text = root.string(key, log: &log) else { return nil }
        guard let code = OfficeCode(text), offices.contains(where: { $0.code == code }) else {
            log.add(root.file, key, "unknown office \"\(text)\"")
            return nil
        }
        return code
    }
}

enum RoutingReader {
    static func read(_ root: YAMLCursor, log: inout ProblemLog) -> RoutingTable? {
        _ = root.keys(allowed: ["default_triage_hours", "rules", "escalation"], log: &log)
        let file = root.file
        let defaultTriage = root.int("default_triage_hours", log: &log)
        if let defaultTriage, defaultTriage <= 0 { log.add(file, "default_triage_hours", "must be a positive number of hours") }
        var rules: [RoutingRule] = []
        for (position, cursor) in root.sequence("rules", log: &log).enumerated() {
            _ = cursor.keys(allowed: ["category", "label", "office", "kind", "priority", "triage_hours", "region"], log: &log)
            let category = cursor.string("category", log: &log)
            let label = cursor.string("label", log: &log)
            let officeText = cursor.string("office", log: &log)
            let office = officeText.flatMap(OfficeCode.init)
            if let officeText, office == nil { log.add(file, cursor.path + ".office", "\"\(officeText)\" is not an office code") }
            let kind = cursor.string("kind", log: &log)
            let priority = enumValue(cursor, "priority", Priority.self, log: &log)
            let triage = cursor.int("triage_hours", log: &log, required: false)
            if let triage, triage <= 0 { log.add(file, cursor.path + ".triage_hours", "must be a positive number of hours, got \(triage)") }
            let region = cursor.string("region", log: &log, required: false)
            guard let category, let label, let office, let kind, let priority else { continue }
            rules.append(
                RoutingRule(
                    category: category, label: label, office: office, kind: CaseKind(kind), priority: priority,
                    triageHours: triage, region: region, position: position))
        }
        var rungs: [EscalationRung] = []
        for cursor in root.sequence("escalation", log: &log, required: false) {
            _ = cursor.keys(allowed: ["after_days", "to"], log: &log)
            guard let days = cursor.int("after_days", log: &log), let to = cursor.string("to", log: &log) else { continue }
            if days < 0 { log.add(file, cursor.path + ".after_days", "must be zero or more days, got \(days)") }
            if let previous = rungs.last, days <= previous.afterDays {
                log.add(file, cursor.path + ".after_days", "each rung comes after the one before (\(previous.afterDays) days)")
            }
            let recipient: EscalationRung.Recipient
            switch to {
            case "assignee": recipient = .assignee
            case "office_head": recipient = .officeHead
            case "director_general": recipient = .directorGeneral
            default:
                guard to.hasPrefix("head_of:"), let office = OfficeCode(String(to.dropFirst("head_of:".count))) else {
                    log.add(file, cursor.path + ".to", "unknown recipient \"\(to)\" (assignee, office_head, head_of:OFFICE, director_general)")
                    continue
                }
                recipient = .headOf(office)
            }
            rungs.append(EscalationRung(afterDays: days, recipient: recipient))
        }
        guard let defaultTriage else { return nil }
        return RoutingTable(
            defaultTriageHours: defaultTriage, rules: rules, escalation: rungs.isEmpty ? .assigneeOnly : EscalationLadder(rungs: rungs))
    }
}

/// Reads a text that must be one of an enum's raw values, naming them on failure.
func enumValue<Value: RawRepresentable & CaseIterable>(
    _ cursor: YAMLCursor, _ key: String, _ type: Value.Type, log: inout ProblemLog
) -> Value? where Value.RawValue == String {
    guard let text = cursor.string(key, log: &log) else { return nil }
    guard let value = Value(rawValue: text) else {
        log.add(
            cursor.file, cursor.path.isEmpty ? key : cursor.path + "." + key,
            "unknown value \"\(text)\" (expected one of: \(Value.allCases.map(\.rawValue).joined(separator: ", ")))")
        return nil
    }
    return value
}
