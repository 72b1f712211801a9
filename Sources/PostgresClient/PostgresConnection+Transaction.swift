import Logging

/// Transaction isolation levels, as PostgreSQL names them.
public enum IsolationLevel: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var beginStatement: StaticString {
        switch self {
        case .readCommitted: "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}

extension PostgresConnection {
    /// Runs `body` inside a transaction on this connection's thread: commits when it returns,
    /// rolls back when it throws. The BEGIN travels with the body's first statement (one
    /// round trip, not two). The body is isolated to the connection, so every statement
    /// in it is a plain synchronous call and nothing else runs on the connection meanwhile.
    public func withTransaction<Result: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: (isolated PostgresConnection) throws -> Result
    ) throws -> Result {
        deferred.append(.command(isolation.beginStatement))
        let result: Result
        do {
            result = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try commit()
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    /// The body may await other work (e.g. hashing on another thread) between statements.
    /// Statements still run on this connection only; the caller holds it exclusively.
    public func withTransaction<Result: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Result
    ) async throws -> Result {
        deferred.append(.command(isolation.beginStatement))
        let result: Result
        do {
            result = try await body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        do {
            try commit()
        } catch {
            rollbackQuietly()
            throw error
        }
        return result
    }

    private func commit() throws {
        if deferred.isEmpty {
            try simpleCommand("COMMIT")
        } else {
            try runPipeline(then: .command("COMMIT"))
        }
    }

    func rollbackQuietly() {
        // What was held back never reached the server: a BEGIN not sent needs no ROLLBACK.
        deferred.removeAll()
        guard isInTransaction else { return }
        do {
            try simpleCommand("ROLLBACK")
        } catch {
            // The connection is broken; the pool discards it when it comes back.
            logger.warning("rollback failed: \(error)")
        }
    }
}
