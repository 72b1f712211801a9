import CLibPQ

extension PostgresConnection {
    /// Runs `COPY ... FROM STDIN` and streams `data` (in the format the statement names, text
    /// by default) to the server. Returns the number of rows copied.
    ///
    /// Call it repeatedly with chunks of a large load; each call is one COPY statement.
    @discardableResult
    public func copyFromStdin(_ statement: PostgresQuery, data: [UInt8]) throws -> Int {
        precondition(statement.binds.isEmpty, "COPY takes no parameters")
        if !deferred.isEmpty { try runPipeline(then: nil) }
        let handle = try liveHandle()
        let start = PQexec(handle, statement.sql)
        defer { PQclear(start) }
        try check(start, query: statement.sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            throw PostgresError(code: .copyFailed, message: "the statement is not a COPY FROM STDIN", query: statement.sql)
        }
        // Send in bounded slices so a large load does not need one giant libpq buffer.
        let sliceSize = 1 << 20
        var sendFailure: String?
        data.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = min(sliceSize, buffer.count - offset)
                let sent = UnsafeRawPointer(buffer.baseAddress! + offset).withMemoryRebound(to: CChar.self, capacity: count) {
                    PQputCopyData(handle, $0, Int32(count))
                }
                if sent != 1 {
                    sendFailure = errorMessage(handle)
                    return
                }
                offset += count
            }
        }
        let ended = PQputCopyEnd(handle, sendFailure)
        var rows = 0
        var failure: (any Error)?
        // Drain every result so the connection is ready for the next statement.
        while let result = PQgetResult(handle) {
            do {
                try check(result, query: statement.sql)
                rows += Int(String(cString: PQcmdTuples(result))) ?? 0
            } catch {
                failure = failure ?? error
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if let sendFailure { throw PostgresError(code: .copyFailed, message: sendFailure, query: statement.sql) }
        if ended != 1 { throw PostgresError(code: .copyFailed, message: errorMessage(handle), query: statement.sql) }
        return rows
    }
}

/// Builds the text format of `COPY ... FROM STDIN`: tab-separated columns, one row a line,
/// `\N` for NULL, with backslash, tab, newline and carriage return escaped.
public struct CopyTextEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var rowCount = 0
    private var columnInRow = 0

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends one field of the current row.
    public mutating func field(_ value: String?) {
        if columnInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        columnInRow += 1
        guard let value else {
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: bytes.append(byte)
            }
        }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        rowCount += 1
        columnInRow = 0
    }

    /// Empties the buffer for the next chunk, keeping its capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        rowCount = 0
        columnInRow = 0
    }
}
