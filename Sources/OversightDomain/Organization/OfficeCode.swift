/// The code of an office of the organization (`OIG`, `ECO`, `OMB`, ...): two to eight capital
/// letters. Which codes exist, and what each office does, is configuration
/// (`Config/offices.yaml`); this type only guarantees the form.
public struct OfficeCode: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    /// nil when `rawValue` is not two to eight ASCII capital letters.
    public init?(_ rawValue: String) {
        guard (2...8).contains(rawValue.utf8.count), rawValue.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = OfficeCode(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not an office code (2 to 8 capital letters)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: OfficeCode, rhs: OfficeCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
