import Foundation
import Logging
import OversightStore
import PostgresClient
import PostgresLocalServer
import ServiceLifecycle

/// The database a process uses: the configured one, or a private PostgreSQL started for it in
/// the data folder. It holds two logins apart (SECURITY.md): the application login, which the
/// pool uses and row security binds, and the schema owner's, opened only for migrations and
/// administrative loads, on short-lived connections. On shutdown it closes the pool and stops
/// a private server.
public final class DatabaseRuntime: Sendable {
    /// Connections as the application login.
    public let pool: PostgresPool
    public let applicationOptions: PostgresConnectionOptions
    /// The owner's login; nil when none is configured (migrations then run elsewhere).
    public let ownerOptions: PostgresConnectionOptions?
    /// The private server this runtime started, nil when a URL is configured.
    public let privateServer: LocalPostgresServer?
    /// Connections to the report replica (`database.report_url`), nil when reports read the primary.
    public let reportPool: PostgresPool?
    let logger: Logger

    private init(
        pool: PostgresPool, applicationOptions: PostgresConnectionOptions, ownerOptions: PostgresConnectionOptions?,
        privateServer: LocalPostgresServer?, reportPool: PostgresPool?, logger: Logger
    ) {
        self.pool = pool
        self.reportPool = reportPool
        self.applicationOptions = applicationOptions
        self.ownerOptions = ownerOptions
        self.privateServer = privateServer
        self.logger = logger
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Connects to the configured database, or starts the private one first and makes both
    /// logins on it.
    public static func start(_ settings: ServiceSettings, logger: Logger) async throws -> DatabaseRuntime {
        let applicationOptions: PostgresConnectionOptions
        var ownerOptions: PostgresConnectionOptions?
        var privateServer: LocalPostgresServer?
        if let url = settings.databaseURL {
            applicationOptions = PostgresConnectionOptions(url: url, applicationName: "oversight")
            ownerOptions = settings.databaseOwnerURL.map { PostgresConnectionOptions(url: $0, applicationName: "oversight-migrate") }
            logger.info("using the configured database")
        } else {
            let server = try LocalPostgresServer(
                .init(dataDirectory: settings.privateDataDirectory, database: "oversight", label: "oversight"),
                logger: logger)
            logger.info(
                "no database URL configured; using a private PostgreSQL",
                metadata: ["data": "\(server.configuration.dataDirectory)", "socket": "\(server.socketDirectory)"]
            )
            // A server some other process started (a running `oversight serve`) is used and
            // left running.
            if try await server.start() { privateServer = server }
            do {
                try await provisionLogins(server.connectionOptions, logger: logger)
            } catch {
                if let privateServer { try? await privateServer.stop() }
                throw error
            }
            applicationOptions = server.connectionOptions(user: DatabaseRoles.application)
            ownerOptions = server.connectionOptions(user: DatabaseRoles.owner)
        }
        // The service's connections: bounded statements and lock waits, keepalives.
        let pooled = applicationOptions.timeouts(
            statementMilliseconds: settings.statementTimeoutMilliseconds,
            lockMilliseconds: settings.lockTimeoutMilliseconds
        ).keepalives()
        let pool = PostgresPool(
            .init(
                options: pooled, maxConnections: settings.poolSize,
                acquireTimeout: .milliseconds(Int(settings.poolTimeoutSeconds * 1000))),
            logger: logger
        )
        let reportPool = settings.reportDatabaseURL.map { url in
            PostgresPool(
                .init(
                    options: PostgresConnectionOptions(url: url, applicationName: "oversight-reports").timeouts(
                        statementMilliseconds: settings.statementTimeoutMilliseconds, lockMilliseconds: settings.lockTimeoutMilliseconds
                    ).keepalives(), maxConnections: settings.poolSize, acquireTimeout: .milliseconds(Int(settings.poolTimeoutSeconds * 1000))),
                logger: logger)
        }
        return DatabaseRuntime(
            pool: pool, applicationOptions: applicationOptions, ownerOptions: ownerOptions,
            privateServer: privateServer, reportPool: reportPool, logger: logger)
    }

    /// Makes the owner and application logins on a server this process controls, as its
    /// superuser, and hands the database to the owner.
    static func provisionLogins(_ superuser: PostgresConnectionOptions, logger: Logger) async throws {
        let pool = PostgresPool(.init(options: superuser, maxConnections: 1), logger: logger)
        do {
            try await pool.withTransaction { connection in try DatabaseRoles.provision(connection) }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// Starts (or connects to) the database and checks the schema: applied migrations must
    /// match their files; pending ones are applied (as the schema owner, on a connection of its
    /// own) when `migrate`, else reported. Then the application login must be bound by row
    /// security: a login that could bypass it is refused.
    public static func open(_ settings: ServiceSettings, logger: Logger, migrate: Bool) async throws -> DatabaseRuntime {
        let migrations: [Migration]
        do {
            migrations = try Migration.load(from: settings.schemaDirectory)
        } catch {
            throw Unavailable(description: "cannot read migrations: \(error)")
        }
        let runtime: DatabaseRuntime
        do {
            runtime = try await start(settings, logger: logger)
        } catch {
            throw Unavailable(description: "cannot start the database: \(error)")
        }
        do {
            let status = try await Migrator(pool: runtime.pool, migrations: migrations, logger: logger).status()
            if let problem = status.problems.first { throw problem }
            if !status.pending.isEmpty {
                if migrate && runtime.ownerOptions != nil {
                    _ = try await runtime.withOwner { owner in try await Migrator(pool: owner, migrations: migrations, logger: logger).migrate() }
                } else if migrate {
                    throw Unavailable(
                        description:
                            "\(status.pending.count) migration(s) pending and no schema owner login to apply them: set database.owner_url, or run `oversight migrate` with it"
                    )
                } else {
                    logger.warning("schema migrations pending; run `oversight migrate`", metadata: ["pending": "\(status.pending.map(\.fileName))"])
                    return runtime
                }
            }
            let problems = try await runtime.boundaryProblems()
            if !problems.isEmpty {
                throw Unavailable(
                    description: "the application login can read past row security: " + problems.joined(separator: "; ")
                        + " (SECURITY.md, \"Database roles\")")
            }
        } catch {
            await runtime.shutdown()
            throw Unavailable(description: "schema check failed: \(error)")
        }
        return runtime
    }

    /// Where the development token secret lives: beside the private database, and only when
    /// the private database is in use (a configured database means a real deployment).
    public static func developmentSecretFile(_ settings: ServiceSettings) -> String? {
        guard settings.databaseURL == nil else { return nil }
        let parent = (settings.privateDataDirectory as NSString).deletingLastPathComponent
        return (parent.isEmpty ? "." : parent) + "/dev-jwt-secret"
    }

    /// Runs `body` with a one-connection pool as the schema owner, closed when it returns.
    public func withOwner<Result: Sendable>(_ body: (PostgresPool) async throws -> Result) async throws -> Result {
        guard let ownerOptions else {
            throw Unavailable(description: "no schema owner login configured (database.owner_url, OVERSIGHT_DATABASE_OWNER_URL)")
        }
        let ownerPool = PostgresPool(.init(options: ownerOptions, maxConnections: 1), logger: logger)
        do {
            let result = try await body(ownerPool)
            await ownerPool.close()
            return result
        } catch {
            await ownerPool.close()
            throw error
        }
    }

    /// Why the application login could read past row security; empty when it cannot.
    public func boundaryProblems() async throws -> [String] {
        try await pool.withTransaction { connection in try DatabaseRoles.boundaryProblems(connection) }
    }

    /// Closes the pool, then stops the private server if there is one.
    public func shutdown() async {
        await pool.close()
        if let reportPool { await reportPool.close() }
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
