import Foundation
import Logging
import PostgresClient
import PostgresLocalServer
import Testing

/// A throwaway PostgreSQL server for one test suite: a fresh data folder under /tmp (short
/// enough for a Unix socket path), started by the same `LocalPostgresServer` the service uses,
/// stopped and deleted when the suite ends.
public final class TemporaryPostgres: Sendable {
    public let server: LocalPostgresServer
    public let dataDirectory: String

    /// The server of the suite being run (set by the `.temporaryPostgres` trait).
    @TaskLocal public static var current: TemporaryPostgres?

    init() async throws {
        let template = NSTemporaryDirectory() + "ovpg-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TemporaryPostgresError("mkdtemp failed") }
        let root = String(cString: made)
        self.dataDirectory = root + "/data"
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .warning
        self.server = try LocalPostgresServer(
            .init(
                dataDirectory: dataDirectory, database: "oversight_test", durable: false, label: "test",
                // Tests compare the statements two code paths run (AnonymousIntakeTests).
                extraSettings: ["shared_preload_libraries = 'pg_stat_statements'"]),
            logger: logger)
        // Folders created by root must be traversable by the postgres user.
        chmod(root, 0o755)
        try await server.start()
    }

    func destroy() async {
        try? await server.stop()
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    /// Options for the suite's database.
    public var options: PostgresConnectionOptions { server.connectionOptions }

    /// A pool over the suite's database; closed when `body` ends.
    public func withPool<Result: Sendable>(
        maxConnections: Int = 4,
        acquireTimeout: Duration = .seconds(10),
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "test.pool")
        logger.logLevel = .warning
        let pool = PostgresPool(.init(options: options, maxConnections: maxConnections, acquireTimeout: acquireTimeout), logger: logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A new, empty database on the suite's server, for tests that need their own schema.
    public func makeDatabase(_ prefix: String = "t") async throws -> PostgresConnectionOptions {
        options.database(try await makeDatabaseNamed(prefix))
    }

    /// A new, empty database; returns its name.
    public func makeDatabaseNamed(_ prefix: String = "t") async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try await server.createDatabase(name)
        return name
    }

    /// A `postgresql://` URL of `database` on this server as `user` (over its Unix socket), as
    /// the service's settings take it.
    public func url(database: String, user: String) -> String {
        let socket = server.socketDirectory.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? server.socketDirectory
        return "postgresql://\(user)@/\(database)?host=\(socket)&port=\(LocalPostgresServer.port)"
    }
}

public struct TemporaryPostgresError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Starts one throwaway PostgreSQL around a whole suite, so suites run in parallel, each on
/// its own server.
public struct TemporaryPostgresTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let postgres = try await TemporaryPostgres()
        do {
            try await TemporaryPostgres.$current.withValue(postgres) { try await function() }
        } catch {
            await postgres.destroy()
            throw error
        }
        await postgres.destroy()
    }
}

extension Trait where Self == TemporaryPostgresTrait {
    /// Runs the suite against its own throwaway PostgreSQL server.
    public static var temporaryPostgres: Self { TemporaryPostgresTrait() }
}

/// The suite's server; fails the test clearly when the trait is missing.
public func suitePostgres() throws -> TemporaryPostgres {
    guard let current = TemporaryPostgres.current else {
        throw TemporaryPostgresError("this suite needs the .temporaryPostgres trait")
    }
    return current
}

/// Polls `condition` until it holds or `timeout` passes; never a fixed wait.
public func eventually(
    timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        // Yield rather than sleep: the work being waited for runs on database threads.
        await Task.yield()
    }
    return try await condition()
}
