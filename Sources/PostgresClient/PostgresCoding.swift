/// A Swift value that can be sent to PostgreSQL as a bound parameter in binary format.
public protocol PostgresEncodable: Sendable {
    /// The type OID the parameter is declared with.
    static var postgresType: PostgresDataType { get }
    /// Appends the binary wire encoding of the value.
    func encode(into buffer: inout [UInt8])
}

/// A Swift value that can be read from a result column in binary format.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value. `bytes` is the column's binary value.
    static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Self
    /// The value for SQL NULL; throws `unexpectedNull` except for Optional.
    static func decodeNull() throws(PostgresDecodingError.Reason) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresDecodingError.Reason) -> Self {
        throw .unexpectedNull
    }
}

/// Types that may be elements of a PostgreSQL array parameter or column.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    static var postgresArrayType: PostgresDataType { get }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Self {
        try Wrapped.decode(from: bytes, type: type)
    }

    public static func decodeNull() throws(PostgresDecodingError.Reason) -> Self { nil }
}

// MARK: - Binary reading and writing (network byte order)

extension Array where Element == UInt8 {
    @inlinable
    mutating func appendInteger<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension ArraySlice where Element == UInt8 {
    /// Reads a big-endian integer of exactly the slice's width.
    func integer<Value: FixedWidthInteger>(as: Value.Type) -> Value? {
        guard count == MemoryLayout<Value>.size else { return nil }
        var value: Value = 0
        for byte in self { value = (value << 8) | Value(byte) }
        return value
    }
}

/// A cursor over a binary value, for composite formats (arrays).
struct BinaryReader {
    var bytes: ArraySlice<UInt8>

    mutating func read<Value: FixedWidthInteger>(_ type: Value.Type) throws(PostgresDecodingError.Reason) -> Value {
        let size = MemoryLayout<Value>.size
        guard bytes.count >= size else { throw .malformed("value ends early") }
        let slice = bytes.prefix(size)
        bytes = bytes.dropFirst(size)
        return slice.integer(as: Value.self)!
    }

    mutating func read(count: Int) throws(PostgresDecodingError.Reason) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count >= count else { throw .malformed("value ends early") }
        let slice = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return slice
    }
}
