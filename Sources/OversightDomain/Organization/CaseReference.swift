/// The reference of a case, `7KQ4-M9XD-2HPN`: what staff quote on the phone, so it reveals
/// nothing. It is random (55 bits from a CSPRNG), so two visible references say nothing of a
/// case between them and no count of cases can be read off it; it names no office, so a filer
/// cannot tell that their case went to the alternate because the head was implicated.
///
/// Twelve symbols of Crockford's base 32 (no I, L, O or U: nothing to mistake over the phone),
/// the last a check symbol that catches any one wrong symbol and most swapped neighbours.
/// Reading is forgiving: lower case, missing dashes, O for 0 and I or L for 1 are accepted.
public struct CaseReference: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let payloadLength = 11

    /// The 11 payload symbols' values (0-31); the check symbol is computed.
    let values: [UInt8]

    /// A new random reference.
    public static func random() -> CaseReference {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A reference from `generator` (the seeder's deterministic one, or the system's CSPRNG).
    public static func random(using generator: inout some RandomNumberGenerator) -> CaseReference {
        CaseReference(values: (0..<payloadLength).map { _ in UInt8.random(in: 0...31, using: &generator) })
    }

    private init(values: [UInt8]) {
        self.values = values
    }

    /// Parses a reference as a person may type it; nil for anything else, and for a reference
    /// whose check symbol does not match (a mistyped one).
    public init?(_ text: String) {
        var values: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
            guard values.count <= Self.payloadLength, let value = Self.value(of: byte) else { return nil }
            values.append(value)
        }
        guard values.count == Self.payloadLength + 1, let check = values.popLast(), check == Self.check(values) else { return nil }
        self.values = values
    }

    /// The canonical form: upper case, dashes after the fourth and eighth symbols.
    public var description: String {
        var bytes: [UInt8] = []
        for (index, value) in (values + [Self.check(values)]).enumerated() {
            if index == 4 || index == 8 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(Self.alphabet[Int(value)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Weights 1, 3, 5, ... are odd, so coprime with 32: changing one symbol always changes the sum.
    static func check(_ values: [UInt8]) -> UInt8 {
        var sum = 0
        for (index, value) in values.enumerated() { sum += Int(value) * (2 * index + 1) }
        return UInt8(sum % 32)
    }

    static func value(of byte: UInt8) -> UInt8? {
        var upper = byte
        if upper >= UInt8(ascii: "a") && upper <= UInt8(ascii: "z") { upper -= 32 }
        switch upper {
        case UInt8(ascii: "O"): return 0
        case UInt8(ascii: "I"), UInt8(ascii: "L"): return 1
        default: return alphabet.firstIndex(of: upper).map(UInt8.init)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let reference = CaseReference(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a case reference like 7KQ4-M9XD-2HPN"))
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
