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
    /// The application login (row security binds it); nil: start a private PostgreSQL in
    /// `privateDataDirectory`, with both logins made for it.
    public var databaseURL: String?
    /// The schema owner's login, used only to apply migrations (and administrative loads).
    /// With a configured database and none, migrations are left to `oversight migrate` run
    /// with it.
    public var databaseOwnerURL: String?
    /// A streaming replica the reports are read from (the application login on it); nil: the
    /// primary. Reports read only the rollup, which replicates with everything else.
    public var reportDatabaseURL: String?
    public var poolSize = 8
    public var poolTimeoutSeconds = 10.0
    /// A statement running longer is cancelled (one slow query must not hold a pooled
    /// connection for good); migrations, on the owner's connection, have none.
    public var statementTimeoutMilliseconds = 15_000
    /// A lock not granted within this fails the statement rather than queueing behind it.
    public var lockTimeoutMilliseconds = 5_000
    /// An HTTP connection idle this long is closed.
    public var httpIdleTimeoutSeconds = 60
    public var privateDataDirectory = ".oversight/postgres"
    public var schemaDirectory = "Schema"
    /// Offices, routing and workflows (`offices.yaml`, `routing.yaml`, `workflows/`).
    public var policyDirectory = "Config"
    public var migrateOnStart = true
    /// HS256 secret; only ever from the environment (`OVERSIGHT_JWT_SECRET`).
    public var jwtSecret: String?
    /// The key queue cursors are signed with, shared by every replica; only ever from the
    /// environment (`OVERSIGHT_CURSOR_SECRET`). Defaults to the HS256 secret.
    public var cursorSecret: String?
    /// The identity provider's public keys (RS256/ES256), as a JWKS file.
    public var jwksFile: String?
    /// When set, tokens must name this audience (required with a JWKS).
    public var jwtAudience: String?
    /// When set, tokens must come from this issuer (required with a JWKS).
    public var jwtIssuer: String?
    /// How far token times (exp, nbf, iat) may be off the service's clock.
    public var clockSkewSeconds = 60
    /// Where Prometheus metrics are served: a listener of their own, never the API's, so that
    /// per-route counts are not public. Port 0 turns it off.
    public var metricsHost = "127.0.0.1"
    public var metricsPort = 9464
    /// Filings one person may make per window (429 after).
    public var filingRateLimit = 20
    public var filingRateWindowSeconds = 3600
    /// The key ring's file (SECURITY.md, "Key management"): the key-encryption keys that wrap
    /// every case's data key, and the index key of the filer tags.
    public var keyRingFile: String?
    /// The key ring's text itself, from `OVERSIGHT_KEY_RING` only (a secret).
    public var keyRing: String?
    /// Where signed checkpoints of the history are written (a folder the database's users
    /// cannot write); nil: none, except the private database's development default.
    public var checkpointDirectory: String?
    /// The Ed25519 key that signs checkpoints (base64 of its 32 bytes), from a file.
    public var checkpointKeyFile: String?
    /// The same key from the environment only (`OVERSIGHT_CHECKPOINT_KEY`).
    public var checkpointKey: String?
    /// How often the service writes a checkpoint; 0 turns it off.
    public var checkpointIntervalSeconds = 3600
    /// The OpenAPI document served at `GET /openapi.yaml`.
    public var openAPIFile = "openapi.yaml"
    /// How often the deadline sweeper looks for overdue cases; 0 turns it off.
    public var sweepIntervalSeconds = 60
    /// How often the outbox is delivered into inboxes (0: off).
    public var dispatchIntervalSeconds = 5
    /// How often the changed report cells are folded into the rollup (0: never; tests fold by
    /// hand). Reports read the changes not folded yet too: a longer interval costs each read.
    public var reportFoldIntervalSeconds = 1
    /// The salt anonymous reporters' receipts are hashed under; only ever from the environment
    /// (`OVERSIGHT_INTAKE_SALT`). Without it the private database's development default is
    /// used, and with a database of your own anonymous intake is off.
    public var intakeSalt: String?
    /// log2 of scrypt's rounds for a receipt: each exchange costs this much (15: about 0.1 s).
    public var intakeReceiptCost = 15
    /// How long a reporter session lasts.
    public var intakeSessionMinutes = 30
    /// Receipts one source may try a minute (everyone together: 60 times as many).
    public var intakeReceiptTriesPerMinute = 10
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text

    public init() {}

    /// Every environment variable the service reads (besides libpq's own PG* variables).
    public static var environmentVariables: [String] {
        [
            "OVERSIGHT_CONFIG", "OVERSIGHT_JWT_SECRET", "OVERSIGHT_CURSOR_SECRET", "OVERSIGHT_CHECKPOINT_KEY", "OVERSIGHT_INTAKE_SALT",
            "OVERSIGHT_KEY_RING",
        ]
            + SettingKey.all.map(\.environment)
    }

    /// Where the settings file is looked for when neither `--config` nor `OVERSIGHT_CONFIG` names one.
    public static let defaultConfigFile = "Config/oversight.yaml"
}
