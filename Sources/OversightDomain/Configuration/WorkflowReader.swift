import Yams

/// Reads one `workflows/<kind>.yaml` into a `WorkflowDefinition`, recording a located problem
/// for everything malformed. Graph rules (reachability, terminal states) are checked after,
/// by `WorkflowValidator`, on the definition read here.
enum WorkflowReader {
    static let topKeys: Set<String> = [
        "kind", "title", "office", "confidential_to_office", "assignee_sees_reporter", "office_initiated", "recommendations_from",
        "subject_responds_in", "reporter_clocks",
        "clocks", "states",
        "transitions",
    ]
    static let stateKeys: Set<String> = ["name", "kind", "reporter_status", "deadline_days", "outcome"]
    static let transitionKeys: Set<String> = ["name", "from", "to", "roles", "requires", "choices", "guards", "effects", "reopen"]

    static func read(_ root: YAMLCursor, log: inout ProblemLog) -> WorkflowDefinition? {
        _ = root.keys(allowed: topKeys, log: &log)
        let file = root.file
        let kind = root.string("kind", log: &log)
        let title = root.string("title", log: &log)
        let officeText = root.string("office", log: &log)
        let office = officeText.flatMap(OfficeCode.init)
        if officeText != nil, office == nil, let cursor = root.child("office") {
            log.add(file, cursor.path, "\"\(officeText!)\" is not an office code (2 to 8 capital letters)")
        }
        let confidential = root.bool("confidential_to_office", log: &log, default: false)
        let assigneeSeesReporter = root.bool("assignee_sees_reporter", log: &log, default: false)
        let officeInitiated = root.bool("office_initiated", log: &log, default: false)
        let recommendationsFrom = root.strings("recommendations_from", log: &log, required: false)
        let subjectRespondsIn = root.strings("subject_responds_in", log: &log, required: false)

        var reporterClocks: ReporterClockPolicy?
        if let cursor = root.child("reporter_clocks") {
            _ = cursor.keys(allowed: ["acknowledge_days", "feedback_days"], log: &log)
            let acknowledge = cursor.int("acknowledge_days", log: &log)
            let feedback = cursor.int("feedback_days", log: &log)
            for (key, value) in [("acknowledge_days", acknowledge), ("feedback_days", feedback)] {
                if let value, value <= 0 { log.add(file, cursor.path + "." + key, "must be a positive number of days, got \(value)") }
            }
            if let acknowledge, let feedback { reporterClocks = ReporterClockPolicy(acknowledgeDays: acknowledge, feedbackDays: feedback) }
        }

        var clocks: [ClockDefinition] = []
        for cursor in root.sequence("clocks", log: &log, required: false) {
            _ = cursor.keys(allowed: ["name", "days"], log: &log)
            guard let name = cursor.string("name", log: &log), let days = cursor.int("days", log: &log) else { continue }
            if days <= 0 { log.add(file, cursor.path + ".days", "must be a positive number of days, got \(days)") }
            if clocks.contains(where: { $0.name == name }) { log.add(file, cursor.path + ".name", "duplicate clock \"\(name)\"") }
            clocks.append(ClockDefinition(name: name, days: days))
        }

        var states: [StateDefinition] = []
        for cursor in root.sequence("states", log: &log) {
            if let state = readState(cursor, log: &log) {
                if states.contains(where: { $0.name == state.name }) {
                    log.add(file, cursor.path + ".name", "duplicate state \"\(state.name)\"")
                    continue
                }
                states.append(state)
            }
        }

        var transitions: [TransitionDefinition] = []
        for cursor in root.sequence("transitions", log: &log) {
            if let transition = readTransition(cursor, states: states, clocks: clocks, log: &log) {
                if transitions.contains(where: { $0.name == transition.name }) {
                    log.add(file, cursor.path + ".name", "duplicate transition \"\(transition.name)\"")
                    continue
                }
                transitions.append(transition)
            }
        }

        guard let kind, let title, let office else { return nil }
        return WorkflowDefinition(
            kind: CaseKind(kind), title: title, office: office, confidentialToOffice: confidential,
            assigneeSeesReporter: assigneeSeesReporter, officeInitiated: officeInitiated, recommendationsFrom: recommendationsFrom,
            subjectRespondsIn: subjectRespondsIn,
            reporterClocks: reporterClocks, clocks: clocks,
            states: states, transitions: transitions)
    }

    private static func readState(_ cursor: YAMLCursor, log: inout ProblemLog) -> StateDefinition? {
        _ = cursor.keys(allowed: stateKeys, log: &log)
        let name = cursor.string("name", log: &log)
        let kindText = cursor.string("kind", log: &log)
        let kind = kindText.flatMap(StateDefinition.Kind.init(rawValue:))
        if let kindText, kind == nil {
            log.add(cursor.file, cursor.path + ".kind", "unknown state kind \"\(kindText)\" (expected initial, active, paused or terminal)")
        }
        let reporterStatus = cursor.string("reporter_status", log: &log)
        let deadline = cursor.int("deadline_days", log: &log, required: false)
        if let deadline, deadline <= 0 {
            log.add(cursor.file, cursor.path + ".deadline_days", "must be a positive number of days, got \(deadline)")
        }
        let outcome = cursor.string("outcome", log: &log, required: false)
        if kind == .terminal, outcome == nil {
            log.add(cursor.file, cursor.path + ".outcome", "a terminal state needs the outcome it records")
        }
        if let kind, kind != .terminal, outcome != nil {
            log.add(cursor.file, cursor.path + ".outcome", "only terminal states record an outcome")
        }
        guard let name, let kind, let reporterStatus else { return nil }
        return StateDefinition(name: name, kind: kind, reporterStatus: reporterStatus, deadlineDays: deadline, outcome: outcome)
    }

    private static func readTransition(_ cursor: YAMLCursor, states: [StateDefinition], clocks: [ClockDefinition], log: inout ProblemLog)
        -> TransitionDefinition?
    {
        _ = cursor.keys(allowed: transitionKeys, log: &log)
        let file = cursor.file
        let name = cursor.string("name", log: &log)

        var from: [String] = []
        for (index, source) in cursor.strings("from", log: &log).enumerated() {
            switch source {
            case "*active": from += states.filter { $0.kind == .active }.map(\.name)
            case "*open": from += states.filter { $0.kind != .terminal }.map(\.name)
            default:
                if states.contains(where: { $0.name == source }) {
                    from.append(source)
                } else {
                    log.add(file, "\(cursor.path).from[\(index)]", "unknown state \"\(source)\"")
                }
            }
        }

        var target: TransitionDefinition.Target?
        if let to = cursor.string("to", log: &log) {
            if to == "@previous" {
                target = .previous
            } else if states.contains(where: { $0.name == to }) {
                target = .state(to)
            } else {
                log.add(file, cursor.path + ".to", "unknown state \"\(to)\"")
            }
        }

        var roles: [TransitionRole] = []
        for (index, text) in cursor.strings("roles", log: &log).enumerated() {
            if let role = TransitionRole(rawValue: text) {
                roles.append(role)
            } else {
                log.add(file, "\(cursor.path).roles[\(index)]", "unknown role \"\(text)\" (expected officer, lead, head or assignee)")
            }
        }
        if cursor.has("roles"), roles.isEmpty, cursor.child("roles")?.elements(log: &log).isEmpty == true {
            log.add(file, cursor.path + ".roles", "no one may take this transition")
        }

        let requires = cursor.strings("requires", log: &log, required: false)
        var choices: [String: [String]] = [:]
        if let choiceCursor = cursor.child("choices") {
            for field in choiceCursor.keys(allowed: Set(choiceCursor.node.mapping?.keys.compactMap(\.string) ?? []), log: &log) {
                let allowed = choiceCursor.strings(field, log: &log)
                if allowed.isEmpty { log.add(cursor.file, choiceCursor.path + "." + field, "a closed list needs at least one value") }
                choices[field] = allowed
            }
        }
        let guards = cursor.sequence("guards", log: &log, required: false).compactMap { readGuard($0, states: states, log: &log) }
        let effects = cursor.sequence("effects", log: &log, required: false).compactMap { readEffect($0, clocks: clocks, log: &log) }
        let reopen = cursor.bool("reopen", log: &log, default: false)

        guard let name, let target else { return nil }
        return TransitionDefinition(
            name: name, from: from, to: target, roles: roles, requires: requires, choices: choices, guards: guards, effects: effects, reopen: reopen)
    }

    /// A guard is a plain name or a one-key mapping (`visited: preliminary_review`).
    private static func readGuard(_ cursor: YAMLCursor, states: [StateDefinition], log: inout ProblemLog) -> Guard? {
        let known = "approver_not_assignee, assigned, visited, field_true, field_set, days_since, no_open_recommendations, any_of"
        if let name = cursor.scalarText {
            switch name {
            case "approver_not_assignee": return .approverNotAssignee
            case "assigned": return .assigned
            case "no_open_recommendations": return .noOpenRecommendations
            default:
                log.add(cursor.file, cursor.path, "unknown guard \"\(name)\" (known: \(known))")
                return nil
            }
        }
        guard let mapping = cursor.node.mapping, mapping.count == 1, let key = mapping.keys.first?.string,
            let argument = cursor.child(key)
        else {
            log.add(cursor.file, cursor.path, "a guard is a name or a mapping with one key")
            return nil
        }
        switch key {
        case "visited":
            guard let state = argument.scalarText else { break }
            guard states.contains(where: { $0.name == state }) else {
                log.add(cursor.file, argument.path, "unknown state \"\(state)\"")
                return nil
            }
            return .visited(state)
        case "field_true":
            if let field = argument.scalarText { return .fieldTrue(field) }
        case "field_set":
            if let field = argument.scalarText { return .fieldSet(field) }
        case "days_since":
            _ = argument.keys(allowed: ["field", "days"], log: &log)
            guard let field = argument.string("field", log: &log), let days = argument.int("days", log: &log) else { return nil }
            guard days > 0 else {
                log.add(cursor.file, argument.path + ".days", "must be a positive number of days, got \(days)")
                return nil
            }
            return .daysSince(field: field, days: days)
        case "any_of":
            let alternatives = argument.elements(log: &log).compactMap { readGuard($0, states: states, log: &log) }
            guard alternatives.count >= 2 else {
                log.add(cursor.file, argument.path, "any_of needs two guards or more")
                return nil
            }
            return .anyOf(alternatives)
        default:
            log.add(cursor.file, cursor.path, "unknown guard \"\(key)\" (known: \(known))")
            return nil
        }
        log.add(cursor.file, argument.path, "expected a name")
        return nil
    }

    private static func readEffect(_ cursor: YAMLCursor, clocks: [ClockDefinition], log: inout ProblemLog) -> Effect? {
        func clock(_ argument: YAMLCursor) -> String? {
            guard let name = argument.scalarText else { return nil }
            guard clocks.contains(where: { $0.name == name }) else {
                log.add(cursor.file, argument.path, "unknown clock \"\(name)\" (declare it under clocks)")
                return nil
            }
            return name
        }
        let known = "start_clock, stop_clock, stamp, notify, open_linked_case, refer, redact_identifying_details"
        guard let mapping = cursor.node.mapping, mapping.count == 1, let key = mapping.keys.first?.string,
            let argument = cursor.child(key)
        else {
            log.add(cursor.file, cursor.path, "an effect is a mapping with one key (\(known))")
            return nil
        }
        switch key {
        case "start_clock":
            guard argument.scalarText != nil else { break }
            return clock(argument).map(Effect.startClock)
        case "stop_clock":
            guard argument.scalarText != nil else { break }
            return clock(argument).map(Effect.stopClock)
        case "stamp":
            if let field = argument.scalarText { return .stamp(field) }
        case "notify":
            guard let text = argument.scalarText else { break }
            guard let recipient = NotificationRecipient(rawValue: text) else {
                log.add(
                    cursor.file, argument.path,
                    "unknown recipient \"\(text)\" (expected \(NotificationRecipient.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            return .notify(recipient)
        case "open_linked_case":
            _ = argument.keys(allowed: ["kind", "office"], log: &log)
            guard let kind = argument.string("kind", log: &log), let officeText = argument.string("office", log: &log) else { return nil }
            guard let office = OfficeCode(officeText) else {
                log.add(cursor.file, argument.path + ".office", "\"\(officeText)\" is not an office code")
                return nil
            }
            return .openLinkedCase(kind: CaseKind(kind), office: office)
        case "refer":
            _ = argument.keys(allowed: ["field", "to", "consent"], log: &log)
            guard let field = argument.string("field", log: &log) else { return nil }
            func officeMap(_ key: String) -> [OfficeCode: String]? {
                guard let child = argument.child(key) else { return [:] }
                guard let mapping = child.node.mapping else {
                    log.add(cursor.file, child.path, "expected a mapping of office code to a name")
                    return nil
                }
                var result: [OfficeCode: String] = [:]
                for (officeNode, valueNode) in mapping {
                    guard let code = officeNode.string.flatMap(OfficeCode.init), let value = valueNode.string else {
                        log.add(cursor.file, child.path, "expected office code: name, got \(officeNode.string ?? "?")")
                        return nil
                    }
                    result[code] = value
                }
                return result
            }
            guard let targets = officeMap("to"), let consent = officeMap("consent") else { return nil }
            if targets.isEmpty { log.add(cursor.file, argument.path + ".to", "a referral names at least one office and the kind opened there") }
            return .refer(Referral(field: field, targets: targets.mapValues { CaseKind($0) }, consent: consent))
        case "redact_identifying_details":
            return .redactIdentifyingDetails
        default:
            log.add(cursor.file, cursor.path, "unknown effect \"\(key)\" (known: \(known))")
            return nil
        }
        log.add(cursor.file, argument.path, "expected a name")
        return nil
    }
}
