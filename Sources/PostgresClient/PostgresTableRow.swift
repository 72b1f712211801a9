/// A row of one table, defined once: its columns, each with its name, its PostgreSQL type and
/// how a row's value encodes. The INSERT, the select list and the binary COPY of the table are
/// all made from that one list, so they cannot drift from each other; a test checks the list
/// against the catalog (`PostgresTableRow.catalogMismatches`).
public protocol PostgresTableRow: Sendable {
    static var table: StaticString { get }
    static var columns: [PostgresColumn<Self>] { get }
}

/// One column of a `PostgresTableRow`.
public struct PostgresColumn<Row>: Sendable {
    public let name: StaticString
    public let type: PostgresDataType
    let bind: @Sendable (Row) -> PostgresBind

    public init<Value: PostgresEncodable>(_ name: StaticString, _ value: @escaping @Sendable (Row) -> Value) {
        self.name = name
        self.type = Value.postgresType
        self.bind = { PostgresBind(value($0)) }
    }

    /// A nullable column: nil is SQL NULL.
    public init<Value: PostgresEncodable>(_ name: StaticString, _ value: @escaping @Sendable (Row) -> Value?) {
        self.name = name
        self.type = Value.postgresType
        self.bind = { row in value(row).map(PostgresBind.init) ?? PostgresBind(nullOf: Value.postgresType) }
    }
}

extension PostgresTableRow {
    /// `c1, c2, ...`: the select list (and RETURNING list) that decodes as this row.
    public static var columnList: String { columns.map(\.name.description).joined(separator: ", ") }

    /// The select list as a query fragment.
    public static var selectList: PostgresQuery { PostgresQuery(unsafeSQL: columnList) }

    /// `INSERT INTO table (every column) VALUES ($1, ...)`, to be followed by `suffix`
    /// (`ON CONFLICT ...`, `RETURNING ...`).
    public func insert(_ suffix: StaticString = "") -> PostgresQuery {
        let columns = Self.columns
        var query = PostgresQuery(
            unsafeSQL: "INSERT INTO \(Self.table) (\(Self.columnList)) VALUES ("
                + (1...columns.count).map { "$\($0)" }.joined(separator: ", ") + ")")
        query.appendBinds(columns.map { $0.bind(self) })
        query.append(PostgresQuery(stringLiteral: suffix))
        return query
    }

    /// `COPY table (every column) FROM STDIN (FORMAT binary)`, for rows made by `CopyBinaryEncoder`.
    public static var copyStatement: PostgresQuery {
        PostgresQuery(unsafeSQL: "COPY \(table) (\(columnList)) FROM STDIN (FORMAT binary)")
    }

    /// How the definition differs from the table in the connected database: a column that does
    /// not exist or has another type, and a NOT NULL column without a default that the
    /// definition leaves out (an INSERT would fail). Empty when they agree.
    public static func catalogMismatches(_ connection: isolated PostgresConnection) throws -> [String] {
        let rows = try connection.query(
            """
            SELECT a.attname::text AS name, a.atttypid::int8 AS type, a.attnotnull AND NOT a.atthasdef AS required
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass(\(table.description)) AND a.attnum > 0 AND NOT a.attisdropped
            """)
        var catalog: [String: (type: UInt32, required: Bool)] = [:]
        for row in rows {
            catalog[try row.decode("name")] = (UInt32(try row.decode("type", as: Int.self)), try row.decode("required"))
        }
        var mismatches: [String] = []
        let defined = Set(columns.map(\.name.description))
        for column in columns {
            guard let stored = catalog[column.name.description] else {
                mismatches.append("\(table).\(column.name): no such column")
                continue
            }
            if stored.type != column.type.rawValue {
                mismatches.append("\(table).\(column.name): type \(column.type.rawValue) in Swift, \(stored.type) in the table")
            }
        }
        for (name, stored) in catalog.sorted(by: { $0.key < $1.key }) where stored.required && !defined.contains(name) {
            mismatches.append("\(table).\(name): required by the table, missing from the definition")
        }
        if catalog.isEmpty { mismatches.append("\(table): no such table") }
        return mismatches
    }
}

/// Rows in PostgreSQL's binary COPY format: the same binary encoding as bound parameters, so a
/// row loads exactly as its INSERT would write it.
public struct CopyBinaryEncoder<Row: PostgresTableRow>: Sendable {
    private var buffer: [UInt8]
    public private(set) var rowCount = 0

    public init(reservingCapacity capacity: Int = 0) {
        buffer = []
        buffer.reserveCapacity(capacity)
        buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        buffer.appendInteger(Int32(0))  // flags
        buffer.appendInteger(Int32(0))  // header extension length
    }

    public mutating func append(_ row: Row) {
        let columns = Row.columns
        buffer.appendInteger(Int16(columns.count))
        for column in columns {
            let bind = column.bind(row)
            if let bytes = bind.bytes {
                buffer.appendInteger(Int32(bytes.count))
                buffer.append(contentsOf: bytes)
            } else {
                buffer.appendInteger(Int32(-1))
            }
        }
        rowCount += 1
    }

    /// The whole COPY data, with its trailer.
    public var bytes: [UInt8] {
        var whole = buffer
        whole.appendInteger(Int16(-1))
        return whole
    }
}
