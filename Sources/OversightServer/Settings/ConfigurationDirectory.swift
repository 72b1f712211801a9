import Foundation
import OversightDomain

/// Reads `Config/` (offices, routing, workflows, reports, intake questionnaires) for the domain to validate. The domain does
/// no I/O; this is where the files come from.
public enum ConfigurationDirectory {
    public static let defaultPath = "Config"

    public static func read(_ path: String) throws(ConfigurationError) -> ConfigurationFiles {
        var files: [String: String] = [:]
        var problems: [ConfigurationProblem] = []
        func load(_ relative: String) {
            do {
                files[relative] = try String(contentsOfFile: path + "/" + relative, encoding: .utf8)
            } catch {
                problems.append(ConfigurationProblem(file: relative, path: "", message: "cannot be read from \(path)"))
            }
        }
        for name in ["offices.yaml", "routing.yaml"] { load(name) }
        // Optional: without them the reports use their defaults and no category has questions.
        let optional = ["reports.yaml", "intake.yaml", "attachments.yaml", "retention.yaml"]
        for name in optional where FileManager.default.fileExists(atPath: path + "/" + name) { load(name) }
        let workflows = (try? FileManager.default.contentsOfDirectory(atPath: path + "/workflows")) ?? []
        for name in workflows.sorted() where name.hasSuffix(".yaml") { load("workflows/" + name) }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return ConfigurationFiles(files: files)
    }

    /// Reads and validates in one step.
    public static func load(_ path: String) throws(ConfigurationError) -> OversightConfiguration {
        try OversightConfiguration.load(try read(path))
    }
}
