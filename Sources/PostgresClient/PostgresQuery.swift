/// A SQL statement whose interpolated values become bound parameters.
///
/// `"SELECT * FROM cases WHERE reference = \(reference)"` is sent as `... = $1` with the value
/// bound separately, so no value ever becomes SQL text. The literal parts are `StaticString`s:
/// there is no public way to build a query from a runtime `String`, which is what makes SQL
/// injection impossible through this API rather than merely discouraged.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    public typealias StringLiteralType = StaticString

    /// The statement text with `$1`, `$2`, ... placeholders.
    public private(set) var sql: String
    /// The values bound to the placeholders, in order.
    public private(set) var binds: [PostgresBind]
    /// Whether the connection prepares this statement once and reuses it (hot paths).
    public private(set) var usesPreparedStatement = false

    public init(stringLiteral value: StaticString) {
        self.sql = value.description
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// Text that comes from the library itself (a quoted identifier it built, a migration file
    /// read as a script); never exposed publicly.
    init(unsafeSQL sql: String) {
        self.sql = sql
        self.binds = []
    }

    /// The same statement, prepared once per connection and executed by name afterwards.
    public func prepared() -> PostgresQuery {
        var copy = self
        copy.usesPreparedStatement = true
        return copy
    }

    /// Appends another query fragment, renumbering its placeholders. Lets the store compose a
    /// statement from fixed pieces (optional filters) without ever touching a runtime string.
    public mutating func append(_ other: PostgresQuery) {
        guard !other.binds.isEmpty else {
            sql += other.sql
            return
        }
        sql += Self.renumber(other.sql, offset: binds.count)
        binds += other.binds
    }

    /// Binds values for placeholders the SQL already holds (`PostgresTableRow.insert`).
    mutating func appendBinds(_ values: [PostgresBind]) {
        binds += values
    }

    /// `sql` with each `$n` placeholder moved up by `offset`. Byte by byte: `$` and digits are
    /// ASCII, and walking long fragments by `Character` took 7% of a search's service time.
    static func renumber(_ sql: String, offset: Int) -> String {
        guard offset != 0 else { return sql }
        let bytes = Array(sql.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$") {
                var end = index + 1
                var number = 0
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") {
                    number = number * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end > index + 1 {
                    result.append(UInt8(ascii: "$"))
                    result.append(contentsOf: String(number + offset).utf8)
                    index = end
                    continue
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        public typealias StringLiteralType = StaticString

        var sql = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: StaticString) {
            sql += literal.description
        }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            binds.append(PostgresBind(value))
            sql += "$\(binds.count)"
        }

        /// Binds an optional value; `nil` is sent as SQL NULL of the wrapped type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value.map(PostgresBind.init) ?? PostgresBind(nullOf: Value.postgresType))
            sql += "$\(binds.count)"
        }
    }
}

/// One bound parameter: its type and its binary encoding (nil for NULL).
public struct PostgresBind: Sendable, Equatable {
    public var type: PostgresDataType
    public var bytes: [UInt8]?

    public init<Value: PostgresEncodable>(_ value: Value) {
        var buffer: [UInt8] = []
        value.encode(into: &buffer)
        self.type = Value.postgresType
        self.bytes = buffer
    }

    public init(nullOf type: PostgresDataType) {
        self.type = type
        self.bytes = nil
    }
}

/// A multi-statement SQL script (a migration file) run with the simple query protocol. It
/// takes no parameters, and its text comes only from a file or a literal.
public struct PostgresScript: Sendable {
    public let sql: String

    public init(_ literal: StaticString) {
        self.sql = literal.description
    }

    /// Reads the script from a file; the file is the trusted source (e.g. `Schema/0001_x.sql`).
    public init(contentsOfFile path: String) throws {
        self.sql = try readTextFile(path)
    }

    /// A script whose text was already read from a file, checksummed by the caller.
    public init(fileContents: FileContents) {
        self.sql = fileContents.text
    }
}

/// The text of a file, read by the library, so that a caller can both checksum and run the
/// exact bytes it read without being able to forge a script from a runtime string.
public struct FileContents: Sendable {
    public let path: String
    public let text: String

    public init(path: String) throws {
        self.path = path
        self.text = try readTextFile(path)
    }
}
