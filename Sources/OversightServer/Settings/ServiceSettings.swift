import Logging

/// The service's settings, after the file, the environment and the command line are merged.
/// Defaults serve a developer: loopback, port 8080, a private PostgreSQL.
public struct ServiceSettings: Sendable, Equatable {
    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        case text
        case json
    }

    public var host = "127.0.0.1"
    public var port = 8080
    /// How long in-flight requests may run after SIGTERM before they are cancelled.
    public var shutdownGraceSeconds = 10
    /// nil: start a private PostgreSQL in `privateDataDirectory`.
    public var databaseURL: String?
    public var poolSize = 8
    public var poolTimeoutSeconds = 10.0
    public var privateDataDirectory = ".oversight/postgres"
    public var schemaDirectory = "Schema"
    /// Offices, routing and workflows (`offices.yaml`, `routing.yaml`, `workflows/`).
    public var policyDirectory = "Config"
    public var migrateOnStart = true
    /// HS256 secret; only ever from the environment (`OVERSIGHT_JWT_SECRET`).
    public var jwtSecret: String?
    /// The identity provider's public keys (RS256/ES256), as a JWKS file.
    public var jwksFile: String?
    /// When set, tokens must name this audience.
    public var jwtAudience: String?
    /// The OpenAPI document served at `GET /openapi.yaml`.
    public var openAPIFile = "openapi.yaml"
    /// How often the deadline sweeper looks for overdue cases; 0 turns it off.
    public var sweepIntervalSeconds = 60
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text

    public init() {}

    /// Every environment variable the service reads (besides libpq's own PG* variables).
    public static var environmentVariables: [String] { ["OVERSIGHT_CONFIG", "OVERSIGHT_JWT_SECRET"] + SettingKey.all.map(\.environment) }

    /// Where the settings file is looked for when neither `--config` nor `OVERSIGHT_CONFIG` names one.
    public static let defaultConfigFile = "Config/oversight.yaml"
}
