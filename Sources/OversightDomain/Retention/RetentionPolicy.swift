/// How long a closed case keeps its content (`Config/retention.yaml`): by kind and outcome,
/// in days after closure. Then its content is purged and a tombstone stays (kind, office,
/// region, category, dates, outcome), so that the reports still count it. A legal hold
/// suspends it.
public struct RetentionPolicy: Sendable, Hashable {
    public struct Rule: Sendable, Hashable {
        public let kind: CaseKind
        /// nil: every outcome of the kind not named by a rule of its own.
        public let outcome: String?
        public let days: Int

        public init(kind: CaseKind, outcome: String?, days: Int) {
            self.kind = kind
            self.outcome = outcome
            self.days = days
        }
    }

    public let defaultDays: Int
    public let rules: [Rule]

    public init(defaultDays: Int, rules: [Rule]) {
        self.defaultDays = defaultDays
        self.rules = rules
    }

    /// Ten years for everything: what applies without retention.yaml.
    public static let defaults = RetentionPolicy(defaultDays: 3_652, rules: [])

    /// The days a closed case of this kind and outcome keeps its content.
    public func days(kind: CaseKind, outcome: String?) -> Int {
        rules.first { $0.kind == kind && $0.outcome != nil && $0.outcome == outcome }?.days
            ?? rules.first { $0.kind == kind && $0.outcome == nil }?.days ?? defaultDays
    }
}

/// Reads `retention.yaml`, refusing a kind with no workflow and an outcome its workflow never
/// records.
enum RetentionReader {
    static let file = "retention.yaml"

    static func read(_ root: YAMLCursor, workflows: [CaseKind: WorkflowDefinition], log: inout ProblemLog) -> RetentionPolicy {
        _ = root.keys(allowed: ["default_years", "rules"], log: &log)
        var defaultDays = RetentionPolicy.defaults.defaultDays
        if let years = root.int("default_years", log: &log, required: false) {
            if years >= 0 { defaultDays = years * 365 + years / 4 } else { log.add(file, "default_years", "must be zero or more years") }
        }
        var rules: [RetentionPolicy.Rule] = []
        for cursor in root.sequence("rules", log: &log, required: false) {
            _ = cursor.keys(allowed: ["kind", "outcome", "keep_years", "keep_days"], log: &log)
            guard let kindName = cursor.string("kind", log: &log) else { continue }
            let kind = CaseKind(kindName)
            let outcome = cursor.string("outcome", log: &log, required: false)
            if let workflow = workflows[kind] {
                let outcomes = workflow.states.compactMap(\.outcome)
                if let outcome, !outcomes.contains(outcome) {
                    log.add(
                        file, cursor.path + ".outcome",
                        "\(kindName) never closes as \"\(outcome)\" (its outcomes: \(outcomes.joined(separator: ", ")))")
                }
            } else {
                log.add(file, cursor.path + ".kind", "unknown case kind \"\(kindName)\" (no workflows/\(kindName).yaml)")
            }
            let years = cursor.int("keep_years", log: &log, required: false)
            let days = cursor.int("keep_days", log: &log, required: false)
            guard (years == nil) != (days == nil) else {
                log.add(file, cursor.path, "give keep_years or keep_days, one of them")
                continue
            }
            let total = years.map { $0 * 365 + $0 / 4 } ?? days ?? 0
            guard total >= 0 else {
                log.add(file, cursor.path, "a retention period is zero or more")
                continue
            }
            if rules.contains(where: { $0.kind == kind && $0.outcome == outcome }) {
                log.add(file, cursor.path, "a second rule for \(kindName)\(outcome.map { " closed as \($0)" } ?? "")")
                continue
            }
            rules.append(RetentionPolicy.Rule(kind: kind, outcome: outcome, days: total))
        }
        return RetentionPolicy(defaultDays: defaultDays, rules: rules)
    }
}
