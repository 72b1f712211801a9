/// Every failure the client reports: a server error with its diagnostic fields, or one of the
/// client-side conditions a caller needs to tell apart (no connection, connection lost, pool
/// exhausted).
///
/// The query text is kept for logs; bound values never are, so an error can be logged without
/// leaking case content.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum, so that a new kind breaks no
    /// caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable {
            case server
            case couldNotConnect
            case connectionLost
            case poolTimeout
            case poolClosed
            case copyFailed
            case unexpectedResult
        }

        let base: Base

        /// The server refused the statement; `sqlState` says why.
        public static let server = Code(base: .server)
        /// No connection could be established (server down, wrong address, authentication).
        public static let couldNotConnect = Code(base: .couldNotConnect)
        /// The connection broke during the call (backend terminated, server restarted).
        public static let connectionLost = Code(base: .connectionLost)
        /// Every pooled connection stayed busy for longer than the pool's acquire timeout.
        public static let poolTimeout = Code(base: .poolTimeout)
        /// The pool has been closed and hands out no more connections.
        public static let poolClosed = Code(base: .poolClosed)
        /// A `COPY ... FROM STDIN` could not send its data.
        public static let copyFailed = Code(base: .copyFailed)
        /// libpq returned a result the client did not expect for this call.
        public static let unexpectedResult = Code(base: .unexpectedResult)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: SQLState?
    /// Non-localized severity (`ERROR`, `FATAL`, `PANIC`).
    public var severity: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    public var constraint: String?
    /// The SQL text that failed (parameters are `$n` placeholders; values are never kept).
    public var query: String?

    public init(
        code: Code,
        message: String,
        sqlState: SQLState? = nil,
        severity: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        schema: String? = nil,
        table: String? = nil,
        column: String? = nil,
        constraint: String? = nil,
        query: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint
        self.query = query
    }

    /// True for failures that a new attempt of the whole transaction may cure.
    public var isTransient: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    /// What is safe to log: the code, SQLSTATE, message and the names of the constraint,
    /// table and column. Never the server's DETAIL, which quotes the values of a row (a
    /// unique violation's DETAIL names the key, a reporter's id for one).
    public var description: String {
        var text = "PostgresError.\(code)"
        if let sqlState { text += " [\(sqlState.rawValue)]" }
        text += ": \(message)"
        if let constraint { text += " (constraint: \(constraint))" }
        if let table { text += " (table: \(table))" }
        if let column { text += " (column: \(column))" }
        return text
    }
}

/// A SQLSTATE code, matched by value: `error.sqlState == .uniqueViolation`.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let notNullViolation = SQLState("23502")
    public static let checkViolation = SQLState("23514")
    public static let syntaxError = SQLState("42601")
    public static let undefinedTable = SQLState("42P01")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let adminShutdown = SQLState("57P01")
    public static let queryCanceled = SQLState("57014")
    public static let insufficientPrivilege = SQLState("42501")
    public static let raiseException = SQLState("P0001")

    /// The two-character class (`23` integrity constraint violation, `40` transaction rollback).
    public var errorClass: String { String(rawValue.prefix(2)) }
    public var description: String { rawValue }
}

/// A row could not be decoded into the requested Swift type. Names the column, so the
/// mistake is found from the message alone.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Error, Sendable, Equatable {
        case missingColumn
        case unexpectedNull
        case typeMismatch(expected: String, actual: PostgresDataType)
        case malformed(String)
    }

    public var column: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .missingColumn:
            return "column \"\(column)\" is not in the result"
        case .unexpectedNull:
            return "column \"\(column)\" is NULL; decode it as an Optional"
        case .typeMismatch(let expected, let actual):
            return "column \"\(column)\" has type \(actual) and cannot be decoded as \(expected)"
        case .malformed(let why):
            return "column \"\(column)\": \(why)"
        }
    }
}
