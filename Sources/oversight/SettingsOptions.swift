import ArgumentParser
import Foundation
import Logging
import OversightServer

/// The flags every command shares. Values stay strings here so that the settings loader
/// validates flags, environment and file with the same rules and the same messages.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Settings file (default: Config/oversight.yaml, or OVERSIGHT_CONFIG).")
    var config: String?

    @Option(help: "Address to listen on (server.host, OVERSIGHT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (server.port, OVERSIGHT_PORT; default 8080).")
    var port: String?

    @Option(help: "PostgreSQL URL (database.url, OVERSIGHT_DATABASE_URL). Empty: a private PostgreSQL.")
    var databaseURL: String?

    @Option(help: "Pooled database connections (database.pool_size, OVERSIGHT_DB_POOL_SIZE; default 8).")
    var poolSize: String?

    @Option(help: "Data folder of the private PostgreSQL (database.private_data_dir, OVERSIGHT_PRIVATE_DB_DIR; default .oversight/postgres).")
    var dataDir: String?

    @Option(help: "Folder of NNNN_name.sql migrations (database.schema_dir, OVERSIGHT_SCHEMA_DIR; default Schema).")
    var schemaDir: String?

    @Option(help: "Folder of offices.yaml, routing.yaml and workflows/ (policy.config_dir, OVERSIGHT_CONFIG_DIR; default Config).")
    var configDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (log.level, OVERSIGHT_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "text or json (log.format, OVERSIGHT_LOG_FORMAT; default text).")
    var logFormat: String?

    var commandLine: [String: String] {
        var values: [String: String] = [:]
        values["server.host"] = host
        values["server.port"] = port
        values["database.url"] = databaseURL
        values["database.pool_size"] = poolSize
        values["database.private_data_dir"] = dataDir
        values["database.schema_dir"] = schemaDir
        values["policy.config_dir"] = configDir
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
