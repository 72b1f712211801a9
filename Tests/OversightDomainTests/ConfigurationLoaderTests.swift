import Foundation
import OversightDomain
import Testing

struct ConfigurationLoaderTests {
    @Test func shippedConfigurationLoads() {
        let configuration = shippedConfiguration
        #expect(
            Set(shippedWorkflowKinds).isSuperset(of: [
                "investigation", "audit", "retaliation_review", "ethics_advice",
                "ombuds_case", "evaluation", "recommendation",
            ]))
        #expect(configuration.offices.alternate.rawValue == "AOAC")
        #expect(configuration.workflow(.ombudsCase)?.confidentialToOffice == true)
        // Every category of DOMAIN.md is routed.
        for category in [
            "fraud", "corruption", "theft", "misuse_of_assets", "sexual_exploitation_and_abuse", "sexual_harassment",
            "harassment", "abuse_of_authority", "other_misconduct", "retaliation", "ethics_question",
            "workplace_concern", "evaluation_request", "personal_data_breach", "security_incident",
        ] {
            #expect(configuration.routing.categories.contains(category), "category \(category) is not routed")
        }
    }

    static let fixturesFolder = packageRoot.appendingPathComponent("Tests/Fixtures/broken-config")

    static var brokenFixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixturesFolder.path)) ?? []).sorted()
    }

    /// Each fixture replaces some files of the shipped Config/ and names, in expected.txt, the
    /// problem the loader must report (file, path and message).
    @Test(arguments: brokenFixtures)
    func brokenFixtureIsRefusedWithItsMessage(_ fixture: String) throws {
        let folder = Self.fixturesFolder.appendingPathComponent(fixture)
        var files = try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".yaml") else { continue }
            files.files[relative] = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
        }
        let expected = try String(contentsOf: folder.appendingPathComponent("expected.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let error = #expect(throws: ConfigurationError.self) { try OversightConfiguration.load(files) }
        let reported = error?.problems.map(\.description) ?? []
        for line in expected {
            #expect(reported.contains(line), "expected \"\(line)\" among: \(reported)")
        }
    }

    @Test func thereIsAFixtureForEveryRule() {
        #expect(Self.brokenFixtures.count >= 15)
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        var files = try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
        files.files["workflows/investigation.yaml"] = files.files["workflows/investigation.yaml"]!
            .replacingOccurrences(of: "to: closed_unsubstantiated", with: "to: closd")
            .replacingOccurrences(of: "roles: [assignee, lead]\n    guards: [assigned]", with: "roles: [janitor]\n    guards: [assigned]")
        let error = #expect(throws: ConfigurationError.self) { try OversightConfiguration.load(files) }
        let reported = error?.problems.map(\.description) ?? []
        #expect(reported.contains("workflows/investigation.yaml: transitions[10].to: unknown state \"closd\""))
        #expect(reported.contains { $0.contains("unknown role \"janitor\"") })
    }

    @Test func missingFilesAreNamed() {
        let error = #expect(throws: ConfigurationError.self) { try OversightConfiguration.load(ConfigurationFiles(files: [:])) }
        let reported = error?.problems.map(\.description) ?? []
        #expect(reported.contains("offices.yaml: missing"))
        #expect(reported.contains("routing.yaml: missing"))
    }
}
