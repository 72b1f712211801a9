import CLibPQ
import Foundation
import Glibc
public import Logging
public import NIOCore

/// One libpq connection, isolated to a thread reserved for the database.
///
/// libpq calls block. The actor's executor is an event loop of a group that serves only the
/// database, so every libpq call runs there: never on an HTTP event loop, never on Swift's
/// shared cooperative pool. Every libpq call is a synchronous method of this actor, so nothing
/// interleaves inside a transaction, and a slow query stalls only its own thread.
public actor PostgresConnection {
    nonisolated let eventLoop: any EventLoop
    /// The `PGconn*`; nil once closed. Only touched on `eventLoop`, through actor isolation.
    private var handle: OpaquePointer?
    /// Names of the statements prepared on this connection, by `preparedStatementKey`.
    var preparedStatements: [String: String] = [:]
    /// Statement names are never reused on a connection: s1, s2, ...
    var preparedStatementsNamed = 0
    /// Statements held back to travel with the next one (see `PostgresConnection+Pipeline`).
    var deferred: [DeferredStatement] = []
    private let noticeSink: NoticeSink
    public nonisolated let logger: Logger

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        eventLoop.executor.asUnownedSerialExecutor()
    }

    init(eventLoop: any EventLoop, logger: Logger) {
        self.eventLoop = eventLoop
        self.logger = logger
        self.noticeSink = NoticeSink(logger: logger)
    }

    /// Opens a connection whose libpq calls all run on `eventLoop`.
    public static func connect(
        _ options: PostgresConnectionOptions,
        on eventLoop: any EventLoop,
        logger: Logger = Logger(label: "postgres")
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(eventLoop: eventLoop, logger: logger)
        try await connection.open(options)
        return connection
    }

    private func open(_ options: PostgresConnectionOptions) throws {
        eventLoop.preconditionInEventLoop()
        let connection = withCStringArrays(options.parameters) { keywords, values in
            PQconnectdbParams(keywords, values, 1)
        }
        guard let connection else {
            throw PostgresError(code: .couldNotConnect, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = errorMessage(connection)
            PQfinish(connection)
            throw PostgresError(code: .couldNotConnect, message: message)
        }
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
        handle = connection
    }

    /// Closes the connection. Safe to call twice. The owner must call it: there is no deinit
    /// fallback, because a deinit would have to hop to a database thread that may already
    /// have stopped (the pool closes every connection before stopping its threads).
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        preparedStatements.removeAll()
        deferred.removeAll()
    }

    /// Whether the connection is open and the server has not gone away while it sat idle.
    ///
    /// An idle connection should receive nothing. A terminated backend or a restarted server
    /// leaves a FATAL message and end-of-file on the socket; reading them marks the connection
    /// bad. Any unexpected input while idle is treated as a reason to reconnect.
    public func isUsable() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, 0)
        if ready == 0 { return true }
        _ = PQconsumeInput(handle)
        return false
    }

    /// libpq's view of the transaction: true when a transaction block is open or failed (or
    /// its BEGIN waits to be sent with the next statement).
    public var isInTransaction: Bool {
        guard let handle else { return false }
        if !deferred.isEmpty { return true }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// What became of a lent connection's work.
    enum Lending<Result: Sendable>: Sendable {
        /// `body` ran; `keepConnection` is false when the connection broke.
        case ran(Swift.Result<Result, any Error>, keepConnection: Bool)
        /// The connection was no longer good; `body` did not run.
        case unusable
    }

    /// Checks the connection, runs `body` and makes the connection fit for the next borrower,
    /// all in one visit to the connection's thread.
    func lend<Result: Sendable>(_ body: (isolated PostgresConnection) throws -> Result) -> Lending<Result> {
        guard isUsable() else { return .unusable }
        let result = Swift.Result { try body(self) }
        return .ran(result, keepConnection: resetForReuse())
    }

    /// Makes the connection fit for the next borrower: rolls back an open transaction.
    /// Returns false when the connection is broken and should be discarded.
    func resetForReuse() -> Bool {
        if !deferred.isEmpty {
            // Held back outside a transaction and never followed by a statement: not sent.
            logger.warning("connection returned with statements never sent; dropping them")
            deferred.removeAll()
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            logger.warning("connection returned to the pool inside a transaction; rolling back")
            do {
                try simpleCommand("ROLLBACK")
                return PQtransactionStatus(handle) == PQTRANS_IDLE
            } catch {
                return false
            }
        default:
            return false
        }
    }

    // MARK: - Statements

    /// Runs a statement and returns its rows (empty for commands).
    @discardableResult
    public func query(_ query: PostgresQuery) throws -> PostgresRows {
        if !deferred.isEmpty { return try runPipeline(then: .query(query)) }
        let handle = try liveHandle()
        let result: OpaquePointer?
        if query.usesPreparedStatement {
            let name = try preparedStatementName(for: query, handle: handle)
            result = withParameters(query.binds) { _, values, lengths, formats in
                PQexecPrepared(handle, name, Int32(query.binds.count), values, lengths, formats, 1)
            }
        } else {
            result = withParameters(query.binds) { types, values, lengths, formats in
                PQexecParams(handle, query.sql, Int32(query.binds.count), types, values, lengths, formats, 1)
            }
        }
        return try consume(result, query: query.sql)
    }

    /// Runs a statement and returns how many rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) throws -> Int {
        try self.query(query).affectedRows
    }

    /// Runs a parameterless multi-statement script (a migration) with the simple query protocol.
    public func run(_ script: PostgresScript) throws {
        if !deferred.isEmpty { try runPipeline(then: nil) }
        let handle = try liveHandle()
        var result = PQexec(handle, script.sql)
        // PQexec keeps only the last result; an error stops the script there.
        defer { if result != nil { PQclear(result) } }
        try check(result, query: "script")
        PQclear(result)
        result = nil
    }

    /// Runs a fixed command of the client's own (BEGIN, COMMIT, ROLLBACK).
    func simpleCommand(_ sql: StaticString) throws {
        let handle = try liveHandle()
        let result = PQexec(handle, sql.description)
        defer { PQclear(result) }
        try check(result, query: sql.description)
    }

    /// A prepared statement's identity: its SQL and its parameters' types.
    func preparedStatementKey(for query: PostgresQuery) -> String {
        query.binds.map { String($0.type.rawValue) }.joined(separator: ",") + "|" + query.sql
    }

    private func preparedStatementName(for query: PostgresQuery, handle: OpaquePointer) throws -> String {
        let key = preparedStatementKey(for: query)
        if let name = preparedStatements[key] { return name }
        preparedStatementsNamed += 1
        let name = "s\(preparedStatementsNamed)"
        let types = query.binds.map { Oid($0.type.rawValue) }
        let result = PQprepare(handle, name, query.sql, Int32(types.count), types)
        defer { PQclear(result) }
        try check(result, query: query.sql)
        preparedStatements[key] = name
        return name
    }

    /// Every statement path comes through here; the precondition makes the database-thread
    /// rule checkable at run time, not only by reading the executor wiring.
    func liveHandle() throws -> OpaquePointer {
        eventLoop.preconditionInEventLoop()
        guard let handle else {
            throw PostgresError(code: .connectionLost, message: "the connection is closed")
        }
        return handle
    }

    /// Copies a result into `PostgresRows` and frees it, or throws its error.
    func consume(_ result: OpaquePointer?, query: String) throws -> PostgresRows {
        defer { if result != nil { PQclear(result) } }
        try check(result, query: query)
        guard let result else { return .empty(affectedRows: 0) }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { return .empty(affectedRows: affected) }

        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(
                .init(
                    name: String(cString: PQfname(result, Int32(column))),
                    type: PostgresDataType(rawValue: UInt32(PQftype(result, Int32(column))))
                ))
        }
        var storage: [UInt8] = []
        var cells: [(offset: Int, length: Int32)] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append((storage.count, -1))
                    continue
                }
                let length = PQgetlength(result, row, column)
                let offset = storage.count
                if length > 0, let value = PQgetvalue(result, row, column) {
                    value.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                        storage.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
                    }
                }
                cells.append((offset, length))
            }
        }
        return PostgresRows(columns: columns, affectedRows: affected, storage: storage, cells: cells, rowCount: rowCount)
    }

    /// Throws the error a result carries, distinguishing a lost connection from a refusal.
    func check(_ result: OpaquePointer?, query: String) throws {
        let handle = self.handle
        guard let result else {
            throw connectionError(handle, query: query)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            var error = PostgresError(result: result, query: query)
            if let handle, PQstatus(handle) != CONNECTION_OK {
                error.code = .connectionLost
                preparedStatements.removeAll()
            }
            throw error
        default:
            throw PostgresError(
                code: .unexpectedResult,
                message: "unexpected result status \(String(cString: PQresStatus(PQresultStatus(result))))",
                query: query
            )
        }
    }

    func connectionError(_ handle: OpaquePointer?, query: String) -> PostgresError {
        guard let handle else { return PostgresError(code: .connectionLost, message: "the connection is closed", query: query) }
        let code: PostgresError.Code = PQstatus(handle) == CONNECTION_OK ? .unexpectedResult : .connectionLost
        return PostgresError(code: code, message: errorMessage(handle), query: query)
    }
}

func errorMessage(_ connection: OpaquePointer) -> String {
    guard let message = PQerrorMessage(connection) else { return "unknown libpq error" }
    return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
}

extension PostgresError {
    /// Reads the diagnostic fields libpq parsed from the server's ErrorResponse.
    init(result: OpaquePointer, query: String) {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        self.init(
            code: .server,
            message: field(CLibPQ_DIAG_MESSAGE_PRIMARY)
                ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines),
            sqlState: field(CLibPQ_DIAG_SQLSTATE).map(SQLState.init(rawValue:)),
            severity: field(CLibPQ_DIAG_SEVERITY),
            detail: field(CLibPQ_DIAG_MESSAGE_DETAIL),
            hint: field(CLibPQ_DIAG_MESSAGE_HINT),
            schema: field(CLibPQ_DIAG_SCHEMA_NAME),
            table: field(CLibPQ_DIAG_TABLE_NAME),
            column: field(CLibPQ_DIAG_COLUMN_NAME),
            constraint: field(CLibPQ_DIAG_CONSTRAINT_NAME),
            query: query
        )
    }
}

/// Receives server notices (warnings) for a connection and logs them instead of libpq's
/// default of printing to stderr. Owned by the connection, which outlives its PGconn.
final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private let noticeReceiver: PQnoticeReceiver = { argument, result in
    guard let argument, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue()
    let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
    // NOTICE and below are routine ("relation already exists, skipping"); WARNING is not.
    let severity = PQresultErrorField(result, CLibPQ_DIAG_SEVERITY).map { String(cString: $0) } ?? "NOTICE"
    if severity == "WARNING" {
        sink.logger.warning("postgres: \(message)")
    } else {
        sink.logger.debug("postgres: \(message)")
    }
}

extension PostgresConnection {
    /// Creates a database unless one of that name exists; returns whether it did. The name is
    /// quoted as an identifier (CREATE DATABASE takes no parameters), never spliced in as SQL.
    @discardableResult
    public func createDatabaseIfMissing(_ name: String) throws -> Bool {
        let exists = try query("SELECT 1 AS present FROM pg_database WHERE datname = \(name)")
        guard exists.isEmpty else { return false }
        try execute(PostgresQuery(unsafeSQL: "CREATE DATABASE " + quoteIdentifier(name)))
        return true
    }
}

/// Quotes an identifier the way PostgreSQL's `quote_ident` does.
func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
