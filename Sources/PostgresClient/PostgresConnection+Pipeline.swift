import CLibPQ

/// A statement held back to travel with the next one: a transaction's BEGIN, its session
/// scope, a write whose result nobody reads.
///
/// Every round trip wakes both sides once. Under the case-view load PostgreSQL spent about
/// twice the CPU a transaction that it spends under pgbench, a third of it in the kernel's
/// wake-ups (Benchmarks/README.md); sending BEGIN, the scope and the read together halves
/// the round trips of a read transaction.
enum DeferredStatement {
    /// A fixed command of the client's own (BEGIN ..., COMMIT).
    case command(StaticString)
    case query(PostgresQuery)

    var sql: String {
        switch self {
        case .command(let sql): sql.description
        case .query(let query): query.sql
        }
    }
}

extension PostgresConnection {
    /// Sends `query` together with the next statement (or the transaction's COMMIT) instead of
    /// on its own. An error it raises is thrown by that next statement, which then does not
    /// run: use it for statements whose result nobody reads, inside a transaction.
    public func sendWithNext(_ query: PostgresQuery) {
        deferred.append(.query(query))
    }

    /// Runs one statement as a transaction of its own, whose result is all it is for: BEGIN,
    /// what `body` holds back (a session scope), the statement `body` returns and COMMIT go to
    /// the server in one round trip.
    public func withOneStatementTransaction(
        isolation: IsolationLevel = .readCommitted,
        _ body: @Sendable (isolated PostgresConnection) throws -> PostgresQuery
    ) throws -> PostgresRows {
        deferred.append(.command(isolation.beginStatement))
        do {
            let statement = try body(self)
            return try runPipeline(then: .query(statement), committing: true)
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// Sends the held-back statements and then `last` (and COMMIT after it when `committing`)
    /// in one round trip (libpq's pipeline mode) and returns `last`'s rows. The first error
    /// any of them raises is thrown; the server skips what follows it.
    @discardableResult
    func runPipeline(then last: DeferredStatement?, committing: Bool = false) throws -> PostgresRows {
        let handle = try liveHandle()
        var statements = deferred
        deferred.removeAll()
        if let last { statements.append(last) }
        let rowsAt = statements.count - 1
        if committing { statements.append(.command("COMMIT")) }
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(handle, query: statements[0].sql) }

        // What the server answers, in order: a Prepare's result, then each statement's.
        var answers: [(sql: String, preparing: (key: String, name: String)?, rows: Bool)] = []
        var preparing: [String: String] = [:]
        for (position, statement) in statements.enumerated() {
            let sent: Int32
            switch statement {
            case .command(let sql):
                sent = PQsendQueryParams(handle, sql.description, 0, nil, nil, nil, nil, 1)
            case .query(let query) where query.usesPreparedStatement:
                let key = preparedStatementKey(for: query)
                // Prepared once even when it comes twice in the pipeline (a case's two events).
                var name = preparedStatements[key] ?? preparing[key]
                if name == nil {
                    preparedStatementsNamed += 1
                    let fresh = "s\(preparedStatementsNamed)"
                    let types = query.binds.map { Oid($0.type.rawValue) }
                    guard PQsendPrepare(handle, fresh, query.sql, Int32(types.count), types) == 1 else {
                        throw abandonPipeline(handle, query: query.sql)
                    }
                    answers.append((query.sql, (key, fresh), false))
                    preparing[key] = fresh
                    name = fresh
                }
                sent = withParameters(query.binds) { _, values, lengths, formats in
                    PQsendQueryPrepared(handle, name, Int32(query.binds.count), values, lengths, formats, 1)
                }
            case .query(let query):
                sent = withParameters(query.binds) { types, values, lengths, formats in
                    PQsendQueryParams(handle, query.sql, Int32(query.binds.count), types, values, lengths, formats, 1)
                }
            }
            guard sent == 1 else { throw abandonPipeline(handle, query: statement.sql) }
            answers.append((statement.sql, nil, last != nil && position == rowsAt))
        }
        guard PQpipelineSync(handle) == 1 else { throw abandonPipeline(handle, query: statements[0].sql) }

        var firstError: (any Error)?
        var rows = PostgresRows.empty(affectedRows: 0)
        for answer in answers {
            // One result a statement, then a null that ends it.
            guard let result = PQgetResult(handle) else { throw abandonPipeline(handle, query: answer.sql) }
            if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                PQclear(result)
            } else if answer.rows {
                do { rows = try consume(result, query: answer.sql) } catch { firstError = firstError ?? error }
            } else {
                do {
                    try check(result, query: answer.sql)
                    if let preparing = answer.preparing { preparedStatements[preparing.key] = preparing.name }
                } catch {
                    firstError = firstError ?? error
                }
                PQclear(result)
            }
            while let extra = PQgetResult(handle) { PQclear(extra) }
        }
        guard let sync = PQgetResult(handle), PQresultStatus(sync) == PGRES_PIPELINE_SYNC else {
            throw abandonPipeline(handle, query: statements[0].sql)
        }
        PQclear(sync)
        guard PQexitPipelineMode(handle) == 1 else { throw abandonPipeline(handle, query: statements[0].sql) }
        if let firstError { throw firstError }
        return rows
    }

    /// A pipeline that could not be sent or read whole leaves the connection in no state to
    /// reuse: close it (the pool reconnects the slot) and report the connection lost.
    private func abandonPipeline(_ handle: OpaquePointer, query: String) -> PostgresError {
        var error = connectionError(handle, query: query)
        error.code = .connectionLost
        close()
        return error
    }
}
