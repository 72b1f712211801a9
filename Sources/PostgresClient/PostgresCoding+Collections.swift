import Foundation

/// One-dimensional arrays in PostgreSQL's binary array format: dimensions, a null flag, the
/// element OID, then each element prefixed by its length (-1 for NULL).
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }

    public func encode(into buffer: inout [UInt8]) {
        buffer.appendInteger(Int32(isEmpty ? 0 : 1))  // dimensions
        buffer.appendInteger(Int32(0))  // no NULL elements
        buffer.appendInteger(Element.postgresType.rawValue)
        if isEmpty { return }
        buffer.appendInteger(Int32(count))
        buffer.appendInteger(Int32(1))  // lower bound
        var element: [UInt8] = []
        for value in self {
            element.removeAll(keepingCapacity: true)
            value.encode(into: &element)
            buffer.appendInteger(Int32(element.count))
            buffer.append(contentsOf: element)
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> [Element] {
        let accepted: Set<PostgresDataType> =
            Element.postgresArrayType == .textArray
            ? [.textArray, .varcharArray] : [Element.postgresArrayType]
        guard accepted.contains(type) else { throw .typeMismatch(expected: "[\(Element.self)]", actual: type) }
        var reader = BinaryReader(bytes: bytes)
        let dimensions = try reader.read(Int32.self)
        _ = try reader.read(Int32.self)  // has-null flag; each element says so itself
        let elementType = PostgresDataType(rawValue: try reader.read(UInt32.self))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else { throw .malformed("\(dimensions)-dimensional arrays are not supported") }
        let count = Int(try reader.read(Int32.self))
        _ = try reader.read(Int32.self)  // lower bound
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let length = try reader.read(Int32.self)
            if length < 0 {
                result.append(try Element.decodeNull())
            } else {
                result.append(try Element.decode(from: try reader.read(count: Int(length)), type: elementType))
            }
        }
        return result
    }
}

/// A Codable value stored as `jsonb`. Wrap a value to bind it (`\(PostgresJSON(details))`) and
/// decode a column as `PostgresJSON<Details>` to read it back.
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable, Sendable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public static var postgresType: PostgresDataType { .jsonb }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)  // jsonb binary format version
        // Encoding a Codable value only fails for non-conforming floats (NaN); those are a
        // programming error in the caller's model, not a runtime condition to recover from.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        buffer.append(contentsOf: try! encoder.encode(value))
    }

    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> PostgresJSON<Value> {
        let text: ArraySlice<UInt8>
        switch type {
        case .jsonb:
            guard bytes.first == 1 else { throw .malformed("unknown jsonb version") }
            text = bytes.dropFirst()
        case .json, .text:
            text = bytes
        default:
            throw .typeMismatch(expected: "JSON of \(Value.self)", actual: type)
        }
        do {
            return PostgresJSON(try JSONDecoder().decode(Value.self, from: Data(text)))
        } catch {
            throw .malformed("JSON does not decode as \(Value.self): \(error)")
        }
    }
}

/// JSON text already encoded by the caller, stored as `jsonb`: for a writer faster than
/// `JSONEncoder` (bulk loads), or JSON that must be written byte for byte as given.
public struct PostgresJSONText: PostgresEncodable, PostgresDecodable, Sendable, Hashable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public static var postgresType: PostgresDataType { .jsonb }

    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)  // jsonb binary format version
        buffer.append(contentsOf: text.utf8)
    }

    public static func decode(from bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> PostgresJSONText {
        PostgresJSONText(try String.decode(from: bytes, type: type))
    }
}
