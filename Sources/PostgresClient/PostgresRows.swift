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
    let columnIndex: ColumnIndex
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
        self.columnIndex = ColumnIndex(columns.map(\.name))
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

/// Column positions by name, for a result's rows. A page of fifty cases looks up some two
/// thousand names; a dictionary of `String` hashed each with SipHash, which was most of the
/// cost of decoding a row. Names are short ASCII, so an FNV-1a hash of their bytes and open
/// addressing do the same for a fraction of it. The first of two equal names wins.
struct ColumnIndex: Sendable {
    private let names: [String]
    /// Position + 1 of the column in each slot, 0 for an empty slot; a power of two long.
    private let slots: [Int32]

    init(_ names: [String]) {
        self.names = names
        var size = 8
        while size < names.count * 2 { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        for (position, name) in names.enumerated() {
            var slot = Self.hash(name) & (size - 1)
            var taken = false
            while slots[slot] != 0 {
                if names[Int(slots[slot]) - 1] == name {
                    taken = true
                    break
                }
                slot = (slot + 1) & (size - 1)
            }
            if !taken { slots[slot] = Int32(position + 1) }
        }
        self.slots = slots
    }

    subscript(name: String) -> Int? {
        var slot = Self.hash(name) & (slots.count - 1)
        while slots[slot] != 0 {
            let position = Int(slots[slot]) - 1
            if names[position] == name { return position }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private static func hash(_ name: String) -> Int {
        func fnv<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 29))
        }
        return name.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(name.utf8)
    }
}
