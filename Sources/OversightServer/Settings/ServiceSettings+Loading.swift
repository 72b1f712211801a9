import Foundation
import Yams

/// Every problem found in the settings at once, each naming the key and where it came from.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension ServiceSettings {
    /// Merges the settings file, then the environment, then command-line values (keyed by
    /// setting path, e.g. `server.port`), each overriding the one before.
    ///
    /// `configFile` nil means `OVERSIGHT_CONFIG` or the default file, which may be absent;
    /// a file named explicitly must exist.
    public static func load(
        configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        commandLine: [String: String] = [:]
    ) throws(SettingsError) -> ServiceSettings {
        var settings = ServiceSettings()
        var problems: [String] = []

        let explicitFile = configFile ?? environment["OVERSIGHT_CONFIG"]
        let file = explicitFile ?? defaultConfigFile
        if FileManager.default.fileExists(atPath: file) {
            for (path, value) in readFile(file, problems: &problems) {
                guard let key = SettingKey.named(path: path) else {
                    problems.append("\(file): unknown key \(path) (known: \(SettingKey.all.map(\.path).joined(separator: ", ")))")
                    continue
                }
                if key.mayHoldSecret, containsPassword(value) {
                    problems.append("\(file): \(path) holds a password; secrets come only from the environment (\(key.environment), or PGPASSWORD)")
                    continue
                }
                if !key.apply(&settings, value) {
                    problems.append("\(file): \(path): expected \(key.expected), got \"\(value)\"")
                }
            }
        } else if explicitFile != nil {
            problems.append("configuration file \(file) does not exist")
        }

        if let secret = environment["OVERSIGHT_JWT_SECRET"], !secret.isEmpty {
            settings.jwtSecret = secret
        }
        if let secret = environment["OVERSIGHT_CURSOR_SECRET"], !secret.isEmpty {
            if secret.utf8.count < 32 { problems.append("OVERSIGHT_CURSOR_SECRET: expected 32 bytes or more") }
            settings.cursorSecret = secret
        }
        if let ring = environment["OVERSIGHT_KEY_RING"], !ring.isEmpty {
            settings.keyRing = ring
        }
        if let key = environment["OVERSIGHT_CHECKPOINT_KEY"], !key.isEmpty {
            settings.checkpointKey = key
        }
        if let salt = environment["OVERSIGHT_INTAKE_SALT"], !salt.isEmpty {
            if salt.utf8.count < 16 { problems.append("OVERSIGHT_INTAKE_SALT: expected 16 bytes or more") }
            settings.intakeSalt = salt
        }
        for key in SettingKey.all {
            guard let value = environment[key.environment] else { continue }
            if !key.apply(&settings, value) {
                problems.append("\(key.environment) (\(key.path)): expected \(key.expected), got \"\(redacted(value, key))\"")
            }
        }

        for (path, value) in commandLine.sorted(by: { $0.key < $1.key }) {
            guard let key = SettingKey.named(path: path) else {
                problems.append("unknown setting \(path)")
                continue
            }
            if !key.apply(&settings, value) {
                problems.append("\(key.flag) (\(key.path)): expected \(key.expected), got \"\(redacted(value, key))\"")
            }
        }

        // An identity provider's tokens are only as good as the checks on who issued them and
        // for whom.
        if settings.jwksFile != nil {
            if settings.jwtIssuer == nil { problems.append("auth.jwks_file is set: auth.issuer (OVERSIGHT_JWT_ISSUER) is required too") }
            if settings.jwtAudience == nil { problems.append("auth.jwks_file is set: auth.audience (OVERSIGHT_JWT_AUDIENCE) is required too") }
        }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return settings
    }

    /// The settings file flattened to dotted paths with scalar values.
    private static func readFile(_ file: String, problems: inout [String]) -> [(String, String)] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            problems.append("\(file): cannot be read")
            return []
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            problems.append("\(file): not valid YAML: \(error)")
            return []
        }
        guard let node else { return [] }
        guard case .mapping = node else {
            problems.append("\(file): the top level must be a mapping of sections (server, database, log)")
            return []
        }
        var values: [(String, String)] = []
        flatten(node, prefix: "", file: file, into: &values, problems: &problems)
        return values
    }

    private static func flatten(_ node: Node, prefix: String, file: String, into values: inout [(String, String)], problems: inout [String]) {
        switch node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "?"
                flatten(valueNode, prefix: prefix.isEmpty ? key : prefix + "." + key, file: file, into: &values, problems: &problems)
            }
        case .scalar(let scalar):
            // `~` and `null` mean "not set" (e.g. an empty database.url).
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            values.append((prefix, isNull ? "" : scalar.string))
        default:
            problems.append("\(file): \(prefix): expected a single value, not a list")
        }
    }

    private static func containsPassword(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        if let password = components.password, !password.isEmpty { return true }
        return components.queryItems?.contains { $0.name == "password" } ?? false
    }

    private static func redacted(_ value: String, _ key: SettingKey) -> String {
        key.mayHoldSecret && containsPassword(value) ? "(a URL with a password)" : value
    }
}
