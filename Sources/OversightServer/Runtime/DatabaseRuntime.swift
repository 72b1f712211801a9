import Logging
import OversightStore
import PostgresClient
import ServiceLifecycle

/// The database a process uses: the configured URL, or a private PostgreSQL started for it
/// in the data folder. Owns the pool, and on shutdown closes it and stops a private server.
public final class DatabaseRuntime: Sendable {
    public let pool: PostgresPool
    /// The private server this runtime started, nil when a URL is configured.
    public let privateServer: LocalPostgresServer?
    let logger: Logger

    private init(pool: PostgresPool, privateServer: LocalPostgresServer?, logger: Logger) {
        self.pool = pool
        self.privateServer = privateServer
        self.logger = logger
    }

    /// Connects to the configured database, or starts the private one first.
    public static func start(_ settings: ServiceSettings, logger: Logger) async throws -> DatabaseRuntime {
        let options: PostgresConnectionOptions
        var privateServer: LocalPostgresServer?
        if let url = settings.databaseURL {
            options = PostgresConnectionOptions(url: url)
            logger.info("using the configured database")
        } else {
            let server = try LocalPostgresServer(.init(dataDirectory: settings.privateDataDirectory), logger: logger)
            logger.info(
                "no database URL configured; using a private PostgreSQL",
                metadata: ["data": "\(server.configuration.dataDirectory)", "socket": "\(server.socketDirectory)"]
            )
            try await server.start()
            options = server.connectionOptions
            privateServer = server
        }
        let pool = PostgresPool(
            .init(options: options, maxConnections: settings.poolSize, acquireTimeout: .milliseconds(Int(settings.poolTimeoutSeconds * 1000))),
            logger: logger
        )
        return DatabaseRuntime(pool: pool, privateServer: privateServer, logger: logger)
    }

    /// Closes the pool, then stops the private server if there is one.
    public func shutdown() async {
        await pool.close()
        guard let privateServer else { return }
        do {
            try await privateServer.stop()
            logger.info("private PostgreSQL stopped", metadata: ["data": "\(privateServer.configuration.dataDirectory)"])
        } catch {
            logger.error("private PostgreSQL did not stop cleanly: \(error)")
        }
    }
}

/// Keeps the database up for as long as the service group runs, and shuts it down after the
/// HTTP server has drained (services shut down in reverse order of registration).
public struct DatabaseLifecycleService: Service {
    let runtime: DatabaseRuntime

    public init(runtime: DatabaseRuntime) {
        self.runtime = runtime
    }

    public func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; either way, clean up.
        try? await gracefulShutdown()
        await runtime.shutdown()
    }
}
