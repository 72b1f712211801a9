public import Foundation

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .bool }
    public static var postgresArrayType: PostgresDataType { .boolArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Bool {
        guard type == .bool else { throw .typeMismatch(expected: "Bool", actual: type) }
        guard bytes.count == 1, let byte = bytes.first else { throw .malformed("bool of \(bytes.count) bytes") }
        return byte != 0
    }
}

/// Decodes any PostgreSQL integer column into a Swift integer, refusing values that do not fit.
private func decodeInteger<Value: FixedWidthInteger>(
    _ bytes: ArraySlice<UInt8>, type: PostgresDataType, as: Value.Type, name: String
) throws(PostgresDecodingError.Reason) -> Value {
    let wide: Int64
    switch type {
    case .int2: wide = Int64(bytes.integer(as: Int16.self) ?? 0)
    case .int4: wide = Int64(bytes.integer(as: Int32.self) ?? 0)
    case .int8: wide = bytes.integer(as: Int64.self) ?? 0
    case .oid: wide = Int64(bytes.integer(as: UInt32.self) ?? 0)
    default: throw .typeMismatch(expected: name, actual: type)
    }
    let expectedSize: Int =
        switch type {
        case .int2: 2
        case .int4, .oid: 4
        default: 8
        }
    guard bytes.count == expectedSize else { throw .malformed("\(type) of \(bytes.count) bytes") }
    guard let value = Value(exactly: wide) else { throw .malformed("\(wide) does not fit in \(name)") }
    return value
}

extension Int16: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int2 }
    public static var postgresArrayType: PostgresDataType { .int2Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendInteger(self) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int16 {
        try decodeInteger(bytes, type: type, as: Int16.self, name: "Int16")
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int4 }
    public static var postgresArrayType: PostgresDataType { .int4Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendInteger(self) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int32 {
        try decodeInteger(bytes, type: type, as: Int32.self, name: "Int32")
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendInteger(self) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int64 {
        try decodeInteger(bytes, type: type, as: Int64.self, name: "Int64")
    }
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { buffer.appendInteger(Int64(self)) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Int {
        try decodeInteger(bytes, type: type, as: Int.self, name: "Int")
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .float8 }
    public func encode(into buffer: inout [UInt8]) { buffer.appendInteger(bitPattern) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Double {
        switch type {
        case .float8:
            guard let bits = bytes.integer(as: UInt64.self) else { throw .malformed("float8 of \(bytes.count) bytes") }
            return Double(bitPattern: bits)
        case .float4:
            guard let bits = bytes.integer(as: UInt32.self) else { throw .malformed("float4 of \(bytes.count) bytes") }
            return Double(Float(bitPattern: bits))
        default:
            throw .typeMismatch(expected: "Double", actual: type)
        }
    }
}

extension String: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .text }
    public static var postgresArrayType: PostgresDataType { .textArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> String {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown, .json:
            return String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            // Binary jsonb is a version byte (1) followed by the JSON text.
            guard bytes.first == 1 else { throw .malformed("unknown jsonb version") }
            return String(decoding: bytes.dropFirst(), as: UTF8.self)
        default:
            throw .typeMismatch(expected: "String", actual: type)
        }
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public func encode(into buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
    }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> UUID {
        guard type == .uuid else { throw .typeMismatch(expected: "UUID", actual: type) }
        guard bytes.count == 16 else { throw .malformed("uuid of \(bytes.count) bytes") }
        // Straight from the bytes: `UUID()` would draw 16 random bytes first (a read of the
        // kernel's random source, with its system calls, for every id a query returns).
        let b = bytes.startIndex
        return UUID(
            uuid: (
                bytes[b], bytes[b + 1], bytes[b + 2], bytes[b + 3], bytes[b + 4], bytes[b + 5], bytes[b + 6], bytes[b + 7],
                bytes[b + 8], bytes[b + 9], bytes[b + 10], bytes[b + 11], bytes[b + 12], bytes[b + 13], bytes[b + 14], bytes[b + 15]
            ))
    }
}

/// PostgreSQL's timestamps count microseconds from 2000-01-01 00:00:00 UTC.
private let postgresEpochSince1970: Double = 946_684_800

extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .timestamptz }

    public func encode(into buffer: inout [UInt8]) {
        let microseconds: Int64
        if self == .distantFuture {
            microseconds = .max  // 'infinity'
        } else if self == .distantPast {
            microseconds = .min  // '-infinity'
        } else {
            microseconds = Int64(((timeIntervalSince1970 - postgresEpochSince1970) * 1_000_000).rounded())
        }
        buffer.appendInteger(microseconds)
    }

    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Date {
        guard type == .timestamptz || type == .timestamp else { throw .typeMismatch(expected: "Date", actual: type) }
        guard let microseconds = bytes.integer(as: Int64.self) else { throw .malformed("timestamp of \(bytes.count) bytes") }
        if microseconds == .max { return .distantFuture }
        if microseconds == .min { return .distantPast }
        // Whole seconds and the remainder separately, so the microseconds survive the Double.
        let seconds = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        return Date(timeIntervalSince1970: postgresEpochSince1970 + Double(seconds.quotient) + Double(seconds.remainder) / 1_000_000)
    }
}

extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bytea }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Data {
        guard type == .bytea else { throw .typeMismatch(expected: "Data", actual: type) }
        return Data(bytes)
    }
}
