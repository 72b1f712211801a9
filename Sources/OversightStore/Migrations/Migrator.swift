import Foundation
import Logging
import PostgresClient

/// Brings a database's schema up to date with `Schema/`.
///
/// Each migration runs in its own transaction, which first takes a transaction-level advisory
/// lock and re-reads `schema_migrations`: any number of processes may migrate at once, they
/// queue on the lock, and each migration is applied exactly once. A lock held by a transaction
/// cannot outlive it, so a crashed migrator never leaves the database locked.
public struct Migrator: Sendable {
    /// `hashtext('oversight.schema_migrations')` would do as well; a fixed key is easier to spot
    /// in `pg_locks`.
    static let advisoryLockKey: Int = 7_316_240_519

    public let pool: PostgresPool
    public let migrations: [Migration]
    let logger: Logger

    public init(pool: PostgresPool, migrations: [Migration], logger: Logger = Logger(label: "oversight.migrations")) {
        self.pool = pool
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every pending migration; returns those this call applied.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        var appliedNow: [Migration] = []
        let migrations = self.migrations
        while true {
            let next: Migration? = try await pool.withTransaction { connection in
                try connection.execute("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")
                try connection.run(
                    PostgresScript(
                        """
                        CREATE TABLE IF NOT EXISTS schema_migrations (
                            version integer PRIMARY KEY,
                            name text NOT NULL,
                            checksum text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """))
                let applied = try Self.readApplied(connection)
                try Self.validate(applied: applied, against: migrations)
                let appliedVersions = Set(applied.map(\.version))
                guard let next = migrations.first(where: { !appliedVersions.contains($0.version) }) else { return nil }
                try connection.run(PostgresScript(fileContents: next.contents))
                try connection.execute(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(next.version), \(next.name), \(next.checksum))
                    """)
                return next
            }
            guard let next else { break }
            logger.info("applied migration", metadata: ["migration": "\(next.fileName)"])
            appliedNow.append(next)
        }
        return appliedNow
    }

    /// What is applied, what is pending, and what is wrong; changes nothing.
    /// `timeout` bounds the wait for a pooled connection (readiness checks keep it short).
    public func status(timeout: Duration? = nil) async throws -> MigrationStatus {
        let migrations = self.migrations
        return try await pool.withTransaction(timeout: timeout) { connection in
            let table = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
            let applied = try table[0].decode("present", as: Bool.self) ? try Self.readApplied(connection) : []
            return MigrationStatus(applied: applied, files: migrations)
        }
    }

    static func readApplied(_ connection: isolated PostgresConnection) throws -> [AppliedMigration] {
        try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map { row in
            AppliedMigration(
                version: try row.decode("version", as: Int.self),
                name: try row.decode("name", as: String.self),
                checksum: try row.decode("checksum", as: String.self),
                appliedAt: try row.decode("applied_at", as: Date.self)
            )
        }
    }

    static func validate(applied: [AppliedMigration], against files: [Migration]) throws {
        if let problem = MigrationStatus(applied: applied, files: files).problems.first { throw problem }
    }
}

/// A row of `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String
    public let appliedAt: Date

    public var fileName: String { String(format: "%04d_%@.sql", version, name) }
}

/// The schema's state compared with the migration files.
public struct MigrationStatus: Sendable {
    public let applied: [AppliedMigration]
    public let pending: [Migration]
    /// Applied files that changed or vanished: the service refuses to start on any of these.
    public let problems: [MigrationError]

    init(applied: [AppliedMigration], files: [Migration]) {
        self.applied = applied
        let appliedVersions = Set(applied.map(\.version))
        self.pending = files.filter { !appliedVersions.contains($0.version) }
        var problems: [MigrationError] = []
        for record in applied {
            guard let file = files.first(where: { $0.version == record.version }) else {
                problems.append(.missingFile(fileName: record.fileName))
                continue
            }
            if file.checksum != record.checksum {
                problems.append(.changedAfterApply(fileName: file.fileName, appliedChecksum: record.checksum, fileChecksum: file.checksum))
            }
        }
        self.problems = problems
    }

    /// Up to date: nothing pending and nothing wrong.
    public var isCurrent: Bool { pending.isEmpty && problems.isEmpty }
}
