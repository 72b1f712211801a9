/// The human-readable reference of a case, `OIG-2026-000123`: the receiving office, the year
/// the case was filed, and a number counted per office and year. It is what staff quote on the
/// phone, so it carries no confidential information.
public struct CaseReference: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public let office: OfficeCode
    public let year: Int
    public let number: Int

    public init?(office: OfficeCode, year: Int, number: Int) {
        guard (2000...9999).contains(year), (1...999_999).contains(number) else { return nil }
        self.office = office
        self.year = year
        self.number = number
    }

    /// Parses `OFFICE-YYYY-NNNNNN`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let office = OfficeCode(String(parts[0])),
              parts[1].count == 4, parts[1].allSatisfy(\.isASCII), let year = Int(parts[1]),
              parts[2].count == 6, parts[2].allSatisfy(\.isASCII), let number = Int(parts[2])
        else { return nil }
        self.init(office: office, year: year, number: number)
    }

    public var description: String {
        let digits = String(number)
        return "\(office)-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let reference = CaseReference(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a case reference like OIG-2026-000123"))
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
