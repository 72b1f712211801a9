import PostgresClient

/// Answers "can the service use its database right now?" for the readiness endpoint.
public struct DatabaseProbe: Sendable {
    public let pool: PostgresPool
    public let migrator: Migrator

    public init(pool: PostgresPool, migrator: Migrator) {
        self.pool = pool
        self.migrator = migrator
    }

    public enum Readiness: Sendable, Equatable {
        case ready
        case databaseUnavailable
        case migrationsPending(Int)
        case migrationsInvalid
    }

    /// Checks within `timeout` that the database answers and the schema is current.
    public func readiness(timeout: Duration = .seconds(2)) async -> Readiness {
        do {
            // Reading schema_migrations proves the database answers, too.
            let status = try await migrator.status(timeout: timeout)
            if !status.problems.isEmpty { return .migrationsInvalid }
            if !status.pending.isEmpty { return .migrationsPending(status.pending.count) }
            return .ready
        } catch {
            return .databaseUnavailable
        }
    }
}
