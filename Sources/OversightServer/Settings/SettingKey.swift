import Logging

/// One setting: its name in the file, the environment and on the command line, the form it
/// expects, and how it is applied. The one table every layer is checked against, so an
/// error names the key the way the user wrote it.
struct SettingKey: Sendable {
    /// Dotted path in `oversight.yaml`, e.g. `server.port`.
    let path: String
    let environment: String
    let flag: String
    /// The expected form, quoted in errors and in `--help`.
    let expected: String
    /// Whether the value may be a secret: such keys are refused in the file when they hold one.
    let mayHoldSecret: Bool
    let apply: @Sendable (inout ServiceSettings, String) -> Bool

    static let all: [SettingKey] = [
        SettingKey(
            path: "server.host", environment: "OVERSIGHT_HOST", flag: "--host",
            expected: "a host name or IP address to listen on", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else { return false }
            settings.host = value
            return true
        },
        SettingKey(
            path: "server.port", environment: "OVERSIGHT_PORT", flag: "--port",
            expected: "an integer from 1 to 65535", mayHoldSecret: false
        ) { settings, value in
            guard let port = Int(value), (1...65535).contains(port) else { return false }
            settings.port = port
            return true
        },
        SettingKey(
            path: "server.shutdown_grace_seconds", environment: "OVERSIGHT_SHUTDOWN_GRACE_SECONDS", flag: "--shutdown-grace-seconds",
            expected: "an integer from 1 to 300", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (1...300).contains(seconds) else { return false }
            settings.shutdownGraceSeconds = seconds
            return true
        },
        SettingKey(
            path: "database.url", environment: "OVERSIGHT_DATABASE_URL", flag: "--database-url",
            expected: "a postgresql:// or postgres:// URL, or empty for a private PostgreSQL", mayHoldSecret: true
        ) { settings, value in
            guard let url = postgresURL(value) else { return false }
            settings.databaseURL = url
            return true
        },
        SettingKey(
            path: "database.report_url", environment: "OVERSIGHT_REPORT_DATABASE_URL", flag: "--report-database-url",
            expected: "a postgresql:// or postgres:// URL of a streaming replica reports are read from, or empty for the primary",
            mayHoldSecret: true
        ) { settings, value in
            guard let url = postgresURL(value) else { return false }
            settings.reportDatabaseURL = url
            return true
        },
        SettingKey(
            path: "database.owner_url", environment: "OVERSIGHT_DATABASE_OWNER_URL", flag: "--database-owner-url",
            expected: "a postgresql:// or postgres:// URL of the schema owner's login, or empty", mayHoldSecret: true
        ) { settings, value in
            guard let url = postgresURL(value) else { return false }
            settings.databaseOwnerURL = url
            return true
        },
        SettingKey(
            path: "database.pool_size", environment: "OVERSIGHT_DB_POOL_SIZE", flag: "--pool-size",
            expected: "an integer from 1 to 100", mayHoldSecret: false
        ) { settings, value in
            guard let size = Int(value), (1...100).contains(size) else { return false }
            settings.poolSize = size
            return true
        },
        SettingKey(
            path: "database.pool_timeout_seconds", environment: "OVERSIGHT_DB_POOL_TIMEOUT_SECONDS", flag: "--pool-timeout-seconds",
            expected: "a number of seconds greater than 0 and at most 300", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Double(value), seconds > 0, seconds <= 300 else { return false }
            settings.poolTimeoutSeconds = seconds
            return true
        },
        SettingKey(
            path: "database.statement_timeout_ms", environment: "OVERSIGHT_DB_STATEMENT_TIMEOUT_MS", flag: "--statement-timeout-ms",
            expected: "a whole number of milliseconds from 100 to 3600000", mayHoldSecret: false
        ) { settings, value in
            guard let milliseconds = Int(value), (100...3_600_000).contains(milliseconds) else { return false }
            settings.statementTimeoutMilliseconds = milliseconds
            return true
        },
        SettingKey(
            path: "database.lock_timeout_ms", environment: "OVERSIGHT_DB_LOCK_TIMEOUT_MS", flag: "--lock-timeout-ms",
            expected: "a whole number of milliseconds from 100 to 600000", mayHoldSecret: false
        ) { settings, value in
            guard let milliseconds = Int(value), (100...600_000).contains(milliseconds) else { return false }
            settings.lockTimeoutMilliseconds = milliseconds
            return true
        },
        SettingKey(
            path: "server.idle_timeout_seconds", environment: "OVERSIGHT_HTTP_IDLE_TIMEOUT_SECONDS", flag: "--idle-timeout-seconds",
            expected: "a whole number of seconds from 1 to 3600", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (1...3600).contains(seconds) else { return false }
            settings.httpIdleTimeoutSeconds = seconds
            return true
        },
        SettingKey(
            path: "database.private_data_dir", environment: "OVERSIGHT_PRIVATE_DB_DIR", flag: "--data-dir",
            expected: "a folder path for the private PostgreSQL's data", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty else { return false }
            settings.privateDataDirectory = value
            return true
        },
        SettingKey(
            path: "database.schema_dir", environment: "OVERSIGHT_SCHEMA_DIR", flag: "--schema-dir",
            expected: "the folder of NNNN_name.sql migrations", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty else { return false }
            settings.schemaDirectory = value
            return true
        },
        SettingKey(
            path: "policy.config_dir", environment: "OVERSIGHT_CONFIG_DIR", flag: "--config-dir",
            expected: "the folder of offices.yaml, routing.yaml and workflows/", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty else { return false }
            settings.policyDirectory = value
            return true
        },
        SettingKey(
            path: "database.migrate_on_start", environment: "OVERSIGHT_MIGRATE_ON_START", flag: "--migrate-on-start",
            expected: "true or false", mayHoldSecret: false
        ) { settings, value in
            guard let flag = Bool(value.lowercased()) else { return false }
            settings.migrateOnStart = flag
            return true
        },
        SettingKey(
            path: "server.openapi_file", environment: "OVERSIGHT_OPENAPI_FILE", flag: "--openapi-file",
            expected: "the path of the OpenAPI document to serve", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty else { return false }
            settings.openAPIFile = value
            return true
        },
        SettingKey(
            path: "auth.jwks_file", environment: "OVERSIGHT_JWKS_FILE", flag: "--jwks-file",
            expected: "the path of the identity provider's JWKS (public keys)", mayHoldSecret: false
        ) { settings, value in
            settings.jwksFile = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "auth.audience", environment: "OVERSIGHT_JWT_AUDIENCE", flag: "--jwt-audience",
            expected: "the audience tokens must name, or empty", mayHoldSecret: false
        ) { settings, value in
            settings.jwtAudience = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "auth.issuer", environment: "OVERSIGHT_JWT_ISSUER", flag: "--jwt-issuer",
            expected: "the issuer (iss) tokens must name, or empty", mayHoldSecret: false
        ) { settings, value in
            settings.jwtIssuer = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "auth.clock_skew_seconds", environment: "OVERSIGHT_CLOCK_SKEW_SECONDS", flag: "--clock-skew-seconds",
            expected: "a whole number of seconds from 0 to 300", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (0...300).contains(seconds) else { return false }
            settings.clockSkewSeconds = seconds
            return true
        },
        SettingKey(
            path: "metrics.host", environment: "OVERSIGHT_METRICS_HOST", flag: "--metrics-host",
            expected: "a host name or IP address for the metrics listener", mayHoldSecret: false
        ) { settings, value in
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else { return false }
            settings.metricsHost = value
            return true
        },
        SettingKey(
            path: "metrics.port", environment: "OVERSIGHT_METRICS_PORT", flag: "--metrics-port",
            expected: "an integer from 0 (off) to 65535", mayHoldSecret: false
        ) { settings, value in
            guard let port = Int(value), (0...65535).contains(port) else { return false }
            settings.metricsPort = port
            return true
        },
        SettingKey(
            path: "filing.rate_limit", environment: "OVERSIGHT_FILING_RATE_LIMIT", flag: "--filing-rate-limit",
            expected: "a whole number of filings from 1 to 100000", mayHoldSecret: false
        ) { settings, value in
            guard let count = Int(value), (1...100_000).contains(count) else { return false }
            settings.filingRateLimit = count
            return true
        },
        SettingKey(
            path: "filing.rate_window_seconds", environment: "OVERSIGHT_FILING_RATE_WINDOW_SECONDS", flag: "--filing-rate-window-seconds",
            expected: "a whole number of seconds from 1 to 604800", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (1...604_800).contains(seconds) else { return false }
            settings.filingRateWindowSeconds = seconds
            return true
        },
        SettingKey(
            path: "checkpoint.dir", environment: "OVERSIGHT_CHECKPOINT_DIR", flag: "--checkpoint-dir",
            expected: "a folder for signed checkpoints, or empty", mayHoldSecret: false
        ) { settings, value in
            settings.checkpointDirectory = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "checkpoint.key_file", environment: "OVERSIGHT_CHECKPOINT_KEY_FILE", flag: "--checkpoint-key-file",
            expected: "the path of the checkpoint signing key (base64 Ed25519), or empty", mayHoldSecret: false
        ) { settings, value in
            settings.checkpointKeyFile = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "keys.ring_file", environment: "OVERSIGHT_KEY_RING_FILE", flag: "--key-ring-file",
            expected: "the path of the key ring (owner-only; `oversight keys` explains its lines), or empty", mayHoldSecret: false
        ) { settings, value in
            settings.keyRingFile = value.isEmpty ? nil : value
            return true
        },
        SettingKey(
            path: "checkpoint.interval_seconds", environment: "OVERSIGHT_CHECKPOINT_INTERVAL_SECONDS", flag: "--checkpoint-interval-seconds",
            expected: "a whole number of seconds from 0 (off) to 604800", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (0...604_800).contains(seconds) else { return false }
            settings.checkpointIntervalSeconds = seconds
            return true
        },
        SettingKey(
            path: "deadlines.sweep_interval_seconds", environment: "OVERSIGHT_SWEEP_INTERVAL_SECONDS", flag: "--sweep-interval-seconds",
            expected: "a whole number of seconds from 0 (off) to 86400", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (0...86_400).contains(seconds) else { return false }
            settings.sweepIntervalSeconds = seconds
            return true
        },
        SettingKey(
            path: "notifications.dispatch_interval_seconds", environment: "OVERSIGHT_DISPATCH_INTERVAL_SECONDS",
            flag: "--dispatch-interval-seconds", expected: "a whole number of seconds from 0 (off) to 3600", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (0...3_600).contains(seconds) else { return false }
            settings.dispatchIntervalSeconds = seconds
            return true
        },
        SettingKey(
            path: "reports.fold_interval_seconds", environment: "OVERSIGHT_REPORT_FOLD_INTERVAL_SECONDS",
            flag: "--report-fold-interval-seconds", expected: "a whole number of seconds from 0 (off) to 3600", mayHoldSecret: false
        ) { settings, value in
            guard let seconds = Int(value), (0...3_600).contains(seconds) else { return false }
            settings.reportFoldIntervalSeconds = seconds
            return true
        },
        SettingKey(
            path: "intake.receipt_cost", environment: "OVERSIGHT_INTAKE_RECEIPT_COST", flag: "--intake-receipt-cost",
            expected: "log2 of scrypt's rounds, from 10 to 20", mayHoldSecret: false
        ) { settings, value in
            guard let cost = Int(value), (10...20).contains(cost) else { return false }
            settings.intakeReceiptCost = cost
            return true
        },
        SettingKey(
            path: "intake.session_minutes", environment: "OVERSIGHT_INTAKE_SESSION_MINUTES", flag: "--intake-session-minutes",
            expected: "a whole number of minutes from 1 to 240", mayHoldSecret: false
        ) { settings, value in
            guard let minutes = Int(value), (1...240).contains(minutes) else { return false }
            settings.intakeSessionMinutes = minutes
            return true
        },
        SettingKey(
            path: "intake.receipt_tries_per_minute", environment: "OVERSIGHT_INTAKE_RECEIPT_TRIES_PER_MINUTE",
            flag: "--intake-receipt-tries-per-minute", expected: "a whole number from 1 to 10000", mayHoldSecret: false
        ) { settings, value in
            guard let tries = Int(value), (1...10_000).contains(tries) else { return false }
            settings.intakeReceiptTriesPerMinute = tries
            return true
        },
        SettingKey(
            path: "log.level", environment: "OVERSIGHT_LOG_LEVEL", flag: "--log-level",
            expected: "one of trace, debug, info, notice, warning, error, critical", mayHoldSecret: false
        ) { settings, value in
            guard let level = Logger.Level(rawValue: value.lowercased()) else { return false }
            settings.logLevel = level
            return true
        },
        SettingKey(
            path: "log.format", environment: "OVERSIGHT_LOG_FORMAT", flag: "--log-format",
            expected: "text or json", mayHoldSecret: false
        ) { settings, value in
            guard let format = ServiceSettings.LogFormat(rawValue: value.lowercased()) else { return false }
            settings.logFormat = format
            return true
        },
    ]

    static func named(path: String) -> SettingKey? { all.first { $0.path == path } }

    /// A database URL setting: `.some(nil)` for empty (not set), nil for a value that is not
    /// a `postgresql://` URL.
    static func postgresURL(_ value: String) -> String?? {
        if value.isEmpty { return .some(nil) }
        guard value.hasPrefix("postgresql://") || value.hasPrefix("postgres://") else { return nil }
        return .some(value)
    }
}

extension ServiceSettings {
    /// The `--help` text of a setting's flag: the form it expects, and its file key and
    /// environment variable, from the one settings table.
    public static func flagHelp(_ path: String) -> String {
        guard let key = SettingKey.named(path: path) else { return path }
        return "\(key.path), \(key.environment): \(key.expected)."
    }

    /// Every setting's flag, as `SettingKey.all` declares it (a test checks the command line
    /// offers each).
    public static var flags: [(path: String, flag: String)] { SettingKey.all.map { ($0.path, $0.flag) } }
}
