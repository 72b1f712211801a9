import Logging
import OversightStore
import PostgresClient
import ServiceLifecycle

/// The database a process uses: the configured URL, or a private PostgreSQL started for it
/// in the data folder. Owns the pool, and on shutdown closes it and stops a private server.
public final class DatabaseRuntime: Sendable {
    /// Connections as the login role: migrations and administration.
    public let pool: PostgresPool
    /// Where the database is, for opening further pools (the service role's).
    public let options: PostgresConnectionOptions
    /// The private server this runtime started, nil when a URL is configured.
    public let privateServer: LocalPostgresServer?
    let logger: Logger

    private init(pool: PostgresPool, options: PostgresConnectionOptions, privateServer: LocalPostgresServer?, logger: Logger) {
        self.pool = pool
        self.options = options
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
            // A server some other process started (a running `oversight serve`) is used and
            // left running.
            if try await server.start() { privateServer = server }
            options = server.connectionOptions
        }
        let pool = PostgresPool(
            .init(options: options, maxConnections: settings.poolSize, acquireTimeout: .milliseconds(Int(settings.poolTimeoutSeconds * 1000))),
            logger: logger
        )
        return DatabaseRuntime(pool: pool, options: options, privateServer: privateServer, logger: logger)
    }

    /// Closes the pools, then stops the private server if there is one.
    public func shutdown(closing others: [PostgresPool] = []) async {
        for other in others { await other.close() }
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
    let otherPools: [PostgresPool]

    public init(runtime: DatabaseRuntime, otherPools: [PostgresPool] = []) {
        self.runtime = runtime
        self.otherPools = otherPools
    }

    public func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; either way, clean up.
        try? await gracefulShutdown()
        await runtime.shutdown(closing: otherPools)
    }
}
