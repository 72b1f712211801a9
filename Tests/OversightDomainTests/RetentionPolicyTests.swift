import Foundation
import OversightDomain
import Testing

/// Retention (issue 13): how long a closed case keeps its content, by kind and outcome.
struct RetentionPolicyTests {
    @Test func theRuleNamingTheOutcomeWinsThenTheKindsThenTheDefault() {
        let policy = shippedConfiguration.retention
        #expect(policy.days(kind: CaseKind("investigation"), outcome: "unsubstantiated") == 5 * 365 + 1)
        #expect(policy.days(kind: CaseKind("investigation"), outcome: "substantiated") == 10 * 365 + 2)
        #expect(policy.days(kind: CaseKind("ombuds_case"), outcome: "resolved") == 0)
        #expect(policy.days(kind: CaseKind("audit"), outcome: "completed") == 10 * 365 + 2, "no rule: the default")
    }

    @Test func configCheckRefusesAnUnknownKindAnOutcomeItNeverRecordsAndAnUnclearPeriod() throws {
        var files = try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
        files.files["retention.yaml"] = """
            default_years: 10
            rules:
              - { kind: investigations, keep_years: 5 }
              - { kind: investigation, outcome: forgiven, keep_years: 5 }
              - { kind: audit, keep_years: 5, keep_days: 10 }
              - { kind: evaluation }
            """
        let error = #expect(throws: ConfigurationError.self) { try OversightConfiguration.load(files) }
        let reported = error?.problems.map(\.description) ?? []
        #expect(reported.contains("retention.yaml: rules[0].kind: unknown case kind \"investigations\" (no workflows/investigations.yaml)"))
        #expect(reported.contains { $0.hasPrefix("retention.yaml: rules[1].outcome: investigation never closes as \"forgiven\"") })
        #expect(reported.contains("retention.yaml: rules[2]: give keep_years or keep_days, one of them"))
        #expect(reported.contains("retention.yaml: rules[3]: give keep_years or keep_days, one of them"))
        #expect(reported.count == 4, "\(reported)")
    }
}
