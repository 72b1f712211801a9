/// The rows a statement returned, copied out of libpq's result so the result can be freed on
/// the database thread at once. Values stay in one buffer; each cell is an offset and length.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// A result column: its name and type OID.
    public struct Column: Sendable, Hashable {
        public let name: String
        public let type: PostgresDataType
    }

    public let columns: [Column]
    /// Rows affected by an INSERT, UPDATE, DELETE or COPY (0 for other commands).
    public let affectedRows: Int
    let columnIndex: [String: Int]
    let storage: [UInt8]
    /// Per cell: offset into `storage`, and length or -1 for NULL.
    let cells: [(offset: Int, length: Int32)]
    let rowCount: Int

    init(columns: [Column], affectedRows: Int, storage: [UInt8], cells: [(offset: Int, length: Int32)], rowCount: Int) {
        self.columns = columns
        self.affectedRows = affectedRows
        self.storage = storage
        self.cells = cells
        self.rowCount = rowCount
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil {
            index[column.name] = position
        }
        self.columnIndex = index
    }

    static func empty(affectedRows: Int) -> PostgresRows {
        PostgresRows(columns: [], affectedRows: affectedRows, storage: [], cells: [], rowCount: 0)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }
}

/// One row of a result; values are decoded by column name.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// Decodes the named column. A missing column, a NULL in a non-optional, or a type that
    /// does not match is a `PostgresDecodingError` naming the column.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let position = rows.columnIndex[column] else {
            throw PostgresDecodingError(column: column, reason: .missingColumn)
        }
        let cell = rows.cells[index * rows.columns.count + position]
        do {
            if cell.length < 0 { return try Value.decodeNull() }
            let bytes = rows.storage[cell.offset..<(cell.offset + Int(cell.length))]
            return try Value.decode(from: bytes, type: rows.columns[position].type)
        } catch {
            throw PostgresDecodingError(column: column, reason: error)
        }
    }

    /// Whether the result has the named column.
    public func contains(_ column: String) -> Bool { rows.columnIndex[column] != nil }

    /// Whether the named column is NULL in this row (false for a column that does not exist).
    public func isNull(_ column: String) -> Bool {
        guard let position = rows.columnIndex[column] else { return false }
        return rows.cells[index * rows.columns.count + position].length < 0
    }
}
