import ArgumentParser
import Foundation
import Logging
import OversightServer

/// The flags every command shares. Values stay strings here so that the settings loader
/// validates flags, environment and file with the same rules and the same messages.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Settings file (default: Config/oversight.yaml, or OVERSIGHT_CONFIG).")
    var config: String?

    @Option(name: .customLong("host"), help: ArgumentHelp(ServiceSettings.flagHelp("server.host")))
    var host: String?

    @Option(name: .customLong("port"), help: ArgumentHelp(ServiceSettings.flagHelp("server.port")))
    var port: String?

    @Option(name: .customLong("shutdown-grace-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("server.shutdown_grace_seconds")))
    var shutdownGraceSeconds: String?

    @Option(name: .customLong("openapi-file"), help: ArgumentHelp(ServiceSettings.flagHelp("server.openapi_file")))
    var openapiFile: String?

    @Option(name: .customLong("database-url"), help: ArgumentHelp(ServiceSettings.flagHelp("database.url")))
    var databaseURL: String?

    @Option(name: .customLong("database-owner-url"), help: ArgumentHelp(ServiceSettings.flagHelp("database.owner_url")))
    var databaseOwnerURL: String?

    @Option(name: .customLong("report-database-url"), help: ArgumentHelp(ServiceSettings.flagHelp("database.report_url")))
    var reportDatabaseURL: String?

    @Option(
        name: .customLong("report-fold-interval-seconds"),
        help: ArgumentHelp(ServiceSettings.flagHelp("reports.fold_interval_seconds")))
    var reportFoldIntervalSeconds: String?

    @Option(name: .customLong("intake-receipt-cost"), help: ArgumentHelp(ServiceSettings.flagHelp("intake.receipt_cost")))
    var intakeReceiptCost: String?

    @Option(name: .customLong("intake-session-minutes"), help: ArgumentHelp(ServiceSettings.flagHelp("intake.session_minutes")))
    var intakeSessionMinutes: String?

    @Option(
        name: .customLong("intake-receipt-tries-per-minute"),
        help: ArgumentHelp(ServiceSettings.flagHelp("intake.receipt_tries_per_minute")))
    var intakeReceiptTriesPerMinute: String?

    @Option(name: .customLong("pool-size"), help: ArgumentHelp(ServiceSettings.flagHelp("database.pool_size")))
    var poolSize: String?

    @Option(name: .customLong("pool-timeout-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("database.pool_timeout_seconds")))
    var poolTimeoutSeconds: String?

    @Option(name: .customLong("statement-timeout-ms"), help: ArgumentHelp(ServiceSettings.flagHelp("database.statement_timeout_ms")))
    var statementTimeoutMs: String?

    @Option(name: .customLong("lock-timeout-ms"), help: ArgumentHelp(ServiceSettings.flagHelp("database.lock_timeout_ms")))
    var lockTimeoutMs: String?

    @Option(name: .customLong("idle-timeout-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("server.idle_timeout_seconds")))
    var idleTimeoutSeconds: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp(ServiceSettings.flagHelp("database.private_data_dir")))
    var dataDir: String?

    @Option(name: .customLong("schema-dir"), help: ArgumentHelp(ServiceSettings.flagHelp("database.schema_dir")))
    var schemaDir: String?

    @Option(name: .customLong("migrate-on-start"), help: ArgumentHelp(ServiceSettings.flagHelp("database.migrate_on_start")))
    var migrateOnStart: String?

    @Option(name: .customLong("config-dir"), help: ArgumentHelp(ServiceSettings.flagHelp("policy.config_dir")))
    var configDir: String?

    @Option(name: .customLong("jwks-file"), help: ArgumentHelp(ServiceSettings.flagHelp("auth.jwks_file")))
    var jwksFile: String?

    @Option(name: .customLong("jwt-audience"), help: ArgumentHelp(ServiceSettings.flagHelp("auth.audience")))
    var jwtAudience: String?

    @Option(name: .customLong("jwt-issuer"), help: ArgumentHelp(ServiceSettings.flagHelp("auth.issuer")))
    var jwtIssuer: String?

    @Option(name: .customLong("clock-skew-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("auth.clock_skew_seconds")))
    var clockSkewSeconds: String?

    @Option(name: .customLong("metrics-host"), help: ArgumentHelp(ServiceSettings.flagHelp("metrics.host")))
    var metricsHost: String?

    @Option(name: .customLong("metrics-port"), help: ArgumentHelp(ServiceSettings.flagHelp("metrics.port")))
    var metricsPort: String?

    @Option(name: .customLong("filing-rate-limit"), help: ArgumentHelp(ServiceSettings.flagHelp("filing.rate_limit")))
    var filingRateLimit: String?

    @Option(name: .customLong("filing-rate-window-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("filing.rate_window_seconds")))
    var filingRateWindowSeconds: String?

    @Option(name: .customLong("checkpoint-dir"), help: ArgumentHelp(ServiceSettings.flagHelp("checkpoint.dir")))
    var checkpointDir: String?

    @Option(name: .customLong("checkpoint-key-file"), help: ArgumentHelp(ServiceSettings.flagHelp("checkpoint.key_file")))
    var checkpointKeyFile: String?

    @Option(name: .customLong("key-ring-file"), help: ArgumentHelp(ServiceSettings.flagHelp("keys.ring_file")))
    var keyRingFile: String?

    @Option(name: .customLong("checkpoint-interval-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("checkpoint.interval_seconds")))
    var checkpointIntervalSeconds: String?

    @Option(name: .customLong("sweep-interval-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("deadlines.sweep_interval_seconds")))
    var sweepIntervalSeconds: String?

    @Option(
        name: .customLong("dispatch-interval-seconds"), help: ArgumentHelp(ServiceSettings.flagHelp("notifications.dispatch_interval_seconds")))
    var dispatchIntervalSeconds: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp(ServiceSettings.flagHelp("log.level")))
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp(ServiceSettings.flagHelp("log.format")))
    var logFormat: String?

    /// The flags given, by setting path.
    var commandLine: [String: String] {
        var values: [String: String] = [:]
        values["server.host"] = host
        values["server.port"] = port
        values["server.shutdown_grace_seconds"] = shutdownGraceSeconds
        values["server.openapi_file"] = openapiFile
        values["database.url"] = databaseURL
        values["database.owner_url"] = databaseOwnerURL
        values["database.report_url"] = reportDatabaseURL
        values["reports.fold_interval_seconds"] = reportFoldIntervalSeconds
        values["intake.receipt_cost"] = intakeReceiptCost
        values["intake.session_minutes"] = intakeSessionMinutes
        values["intake.receipt_tries_per_minute"] = intakeReceiptTriesPerMinute
        values["database.pool_size"] = poolSize
        values["database.pool_timeout_seconds"] = poolTimeoutSeconds
        values["database.statement_timeout_ms"] = statementTimeoutMs
        values["database.lock_timeout_ms"] = lockTimeoutMs
        values["server.idle_timeout_seconds"] = idleTimeoutSeconds
        values["database.private_data_dir"] = dataDir
        values["database.schema_dir"] = schemaDir
        values["database.migrate_on_start"] = migrateOnStart
        values["policy.config_dir"] = configDir
        values["auth.jwks_file"] = jwksFile
        values["auth.audience"] = jwtAudience
        values["auth.issuer"] = jwtIssuer
        values["auth.clock_skew_seconds"] = clockSkewSeconds
        values["metrics.host"] = metricsHost
        values["metrics.port"] = metricsPort
        values["filing.rate_limit"] = filingRateLimit
        values["filing.rate_window_seconds"] = filingRateWindowSeconds
        values["checkpoint.dir"] = checkpointDir
        values["checkpoint.key_file"] = checkpointKeyFile
        values["keys.ring_file"] = keyRingFile
        values["checkpoint.interval_seconds"] = checkpointIntervalSeconds
        values["deadlines.sweep_interval_seconds"] = sweepIntervalSeconds
        values["notifications.dispatch_interval_seconds"] = dispatchIntervalSeconds
        values["log.level"] = logLevel
        values["log.format"] = logFormat
        return values
    }

    /// Loads the settings, or prints every problem and exits with EX_CONFIG (78).
    func load() throws -> ServiceSettings {
        do {
            return try ServiceSettings.load(configFile: config, commandLine: commandLine)
        } catch {
            FileHandle.standardError.write(Data("oversight: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}

/// Sets up logging once per process, in the configured format and level.
func bootstrapLogging(_ settings: ServiceSettings) -> Logger {
    let level = settings.logLevel
    switch settings.logFormat {
    case .text:
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    case .json:
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
    return Logger(label: "oversight")
}
