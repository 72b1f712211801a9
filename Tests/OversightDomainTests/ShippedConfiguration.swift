import Foundation
import OversightDomain

/// The repository's root, found from this file.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reads a configuration folder the way the service does, without the server module.
func configurationFiles(at folder: URL) throws -> ConfigurationFiles {
    var files: [String: String] = [:]
    for name in ["offices.yaml", "routing.yaml"] {
        files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }
    let optional = ["reports.yaml", "intake.yaml", "attachments.yaml", "retention.yaml"]
    for name in optional where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
        files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }
    let workflows = folder.appendingPathComponent("workflows")
    for name in try FileManager.default.contentsOfDirectory(atPath: workflows.path) where name.hasSuffix(".yaml") {
        files["workflows/" + name] = try String(contentsOf: workflows.appendingPathComponent(name), encoding: .utf8)
    }
    return ConfigurationFiles(files: files)
}

/// The shipped `Config/`, loaded once per process.
let shippedConfiguration: OversightConfiguration = {
    do {
        return try OversightConfiguration.load(configurationFiles(at: packageRoot.appendingPathComponent("Config")))
    } catch {
        fatalError("the shipped Config/ does not load: \(error)")
    }
}()

/// Every shipped workflow, sorted, for parameterized tests.
let shippedWorkflowKinds: [String] = shippedConfiguration.workflows.keys.map(\.rawValue).sorted()
