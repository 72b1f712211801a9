/// The configuration files' texts, keyed by their path relative to `Config/`
/// (`offices.yaml`, `routing.yaml`, `workflows/investigation.yaml`). Reading them from disk is
/// the caller's business; the domain only parses and validates.
public struct ConfigurationFiles: Sendable {
    public var files: [String: String]

    public init(files: [String: String]) {
        self.files = files
    }
}

extension WorkflowDefinition {
    /// Reads and validates one workflow on its own: a stored version a case is pinned to,
    /// read back after `Config/` has moved on.
    public static func load(yaml: String, file: String) throws(ConfigurationError) -> WorkflowDefinition {
        var log = ProblemLog()
        guard let root = YAMLCursor.parse(yaml, file: file, log: &log), let workflow = WorkflowReader.read(root, log: &log) else {
            throw ConfigurationError(problems: log.problems)
        }
        WorkflowValidator.validate(workflow, file: file, log: &log)
        guard log.problems.isEmpty else { throw ConfigurationError(problems: log.problems) }
        return workflow
    }
}

/// The validated configuration: offices, routing and every workflow.
public struct OversightConfiguration: Sendable {
    public let offices: OfficeDirectory
    public let routing: RoutingTable
    public let workflows: [CaseKind: WorkflowDefinition]
    /// The text each workflow was read from, for storing versions by content hash.
    public let workflowSources: [CaseKind: String]
    /// `reports.yaml` (optional: the defaults when absent).
    public var reports: ReportSettings = .defaults
    /// `intake.yaml` (optional): the questionnaire of each category that has one.
    public var questionnaires: [String: Questionnaire] = [:]
    /// `retention.yaml` (optional: ten years for everything when absent).
    public var retention: RetentionPolicy = .defaults
    /// `attachments.yaml` (optional: the defaults when absent).
    public var evidence: EvidenceRules = .defaults

    public func workflow(_ kind: CaseKind) -> WorkflowDefinition? { workflows[kind] }

    /// Loads and validates everything, or throws every problem found at once.
    public static func load(_ input: ConfigurationFiles) throws(ConfigurationError) -> OversightConfiguration {
        var log = ProblemLog()
        var offices: OfficeDirectory?
        var routing: RoutingTable?
        if let text = input.files["offices.yaml"] {
            if let root = YAMLCursor.parse(text, file: "offices.yaml", log: &log) { offices = OfficesReader.read(root, log: &log) }
        } else {
            log.add("offices.yaml", "", "missing")
        }
        if let text = input.files["routing.yaml"] {
            if let root = YAMLCursor.parse(text, file: "routing.yaml", log: &log) { routing = RoutingReader.read(root, log: &log) }
        } else {
            log.add("routing.yaml", "", "missing")
        }

        var workflows: [CaseKind: WorkflowDefinition] = [:]
        var sources: [CaseKind: String] = [:]
        var workflowFiles: [CaseKind: String] = [:]
        for (file, text) in input.files.sorted(by: { $0.key < $1.key }) where file.hasPrefix("workflows/") && file.hasSuffix(".yaml") {
            guard let root = YAMLCursor.parse(text, file: file, log: &log),
                let workflow = WorkflowReader.read(root, log: &log)
            else { continue }
            let expectedKind = String(file.dropFirst("workflows/".count).dropLast(".yaml".count))
            if workflow.kind.rawValue != expectedKind {
                log.add(file, "kind", "\"\(workflow.kind)\" does not match the file name (expected \"\(expectedKind)\")")
                continue
            }
            WorkflowValidator.validate(workflow, file: file, log: &log)
            workflows[workflow.kind] = workflow
            sources[workflow.kind] = text
            workflowFiles[workflow.kind] = file
        }
        if workflowFiles.isEmpty { log.add("workflows/", "", "no workflow files") }

        if let offices {
            for (kind, workflow) in workflows {
                let file = workflowFiles[kind]!
                if offices.office(workflow.office) == nil {
                    log.add(file, "office", "unknown office \(workflow.office)")
                }
                for (index, transition) in workflow.transitions.enumerated() {
                    for (effectIndex, effect) in transition.effects.enumerated() {
                        switch effect {
                        case .openLinkedCase(let linkedKind, let office):
                            let path = "transitions[\(index)].effects[\(effectIndex)].open_linked_case"
                            if workflows[linkedKind] == nil { log.add(file, path + ".kind", "unknown case kind \"\(linkedKind)\"") }
                            if offices.office(office) == nil { log.add(file, path + ".office", "unknown office \(office)") }
                        case .refer(let referral):
                            let path = "transitions[\(index)].effects[\(effectIndex)].refer"
                            for (office, linkedKind) in referral.targets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                                if offices.office(office) == nil { log.add(file, path + ".to.\(office)", "unknown office \(office)") }
                                if workflows[linkedKind] == nil { log.add(file, path + ".to.\(office)", "unknown case kind \"\(linkedKind)\"") }
                            }
                            if !transition.requires.contains(referral.field) {
                                log.add(file, path + ".field", "the transition must require \"\(referral.field)\", the office referred to")
                            }
                        default:
                            continue
                        }
                    }
                }
            }
        }
        if let routing {
            for rule in routing.rules {
                let path = "rules[\(rule.position)]"
                if let region = rule.region, let offices, !offices.regions.isEmpty, offices.regions[region] == nil {
                    log.add(
                        "routing.yaml", path + ".region",
                        "unknown region \"\(region)\" (offices.yaml lists \(offices.regions.keys.sorted().joined(separator: ", ")))")
                }
                if let offices, offices.office(rule.office) == nil {
                    log.add("routing.yaml", path + ".office", "unknown office \(rule.office)")
                    continue
                }
                if workflows[rule.kind] == nil {
                    log.add("routing.yaml", path + ".kind", "unknown case kind \"\(rule.kind)\" (no workflows/\(rule.kind).yaml)")
                } else if let workflow = workflows[rule.kind], workflow.office != rule.office, rule.office != offices?.alternate {
                    log.add(
                        "routing.yaml", path + ".office",
                        "routes \(rule.kind) to \(rule.office), but workflows/\(rule.kind).yaml belongs to \(workflow.office)")
                }
            }
            for (index, rung) in routing.escalation.rungs.enumerated() {
                if case .headOf(let office) = rung.recipient, let offices, offices.office(office) == nil {
                    log.add("routing.yaml", "escalation[\(index)].to", "unknown office \(office)")
                }
            }
            if routing.rules.isEmpty { log.add("routing.yaml", "rules", "no category is routed anywhere") }
            // A category whose every rule is limited to a region is routed nowhere elsewhere.
            for category in routing.categories where !routing.rules.contains(where: { $0.category == category && $0.region == nil }) {
                log.add("routing.yaml", "rules", "category \"\(category)\" is routed only for some regions; add a rule without region")
            }
        }

        var reports = ReportSettings.defaults
        if let text = input.files["reports.yaml"], let root = YAMLCursor.parse(text, file: "reports.yaml", log: &log) {
            reports = ReportSettingsReader.read(root, log: &log)
            if let gender = reports.genderCoordinationOffice, let offices, offices.office(gender) == nil {
                log.add("reports.yaml", "gender_coordination.office", "unknown office \(gender)")
            }
        }

        var questionnaires: [String: Questionnaire] = [:]
        if let text = input.files[QuestionnaireReader.file],
            let root = YAMLCursor.parse(text, file: QuestionnaireReader.file, log: &log)
        {
            questionnaires = QuestionnaireReader.read(root, categories: Set(routing?.categories ?? []), log: &log)
        }

        var evidence = EvidenceRules.defaults
        if let text = input.files[EvidenceRulesReader.file], let root = YAMLCursor.parse(text, file: EvidenceRulesReader.file, log: &log) {
            evidence = EvidenceRulesReader.read(root, log: &log)
        }

        var retention = RetentionPolicy.defaults
        if let text = input.files[RetentionReader.file], let root = YAMLCursor.parse(text, file: RetentionReader.file, log: &log) {
            retention = RetentionReader.read(root, workflows: workflows, log: &log)
        }

        guard log.problems.isEmpty, let offices, let routing else {
            throw ConfigurationError(problems: log.problems)
        }
        var configuration = OversightConfiguration(offices: offices, routing: routing, workflows: workflows, workflowSources: sources)
        configuration.reports = reports
        configuration.questionnaires = questionnaires
        configuration.evidence = evidence
        configuration.retention = retention
        return configuration
    }
}
