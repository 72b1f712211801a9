import Foundation
import OversightDomain
import Testing

struct CaseReferenceTests {
    @Test func formatsWithSixDigits() throws {
        let office = try #require(OfficeCode("OIG"))
        let reference = try #require(CaseReference(office: office, year: 2026, number: 123))
        #expect(reference.description == "OIG-2026-000123")
        #expect(CaseReference("OIG-2026-000123") == reference)
    }

    @Test(arguments: ["", "OIG", "oig-2026-000123", "OIG-26-000123", "OIG-2026-123", "OIG-2026-0001234", "OIG-2026-000000",
                      "OIG-2026-00012a", "OIG_2026_000123", "OIG-2026-000123-", "TOOLONGOFFICE-2026-000001", "OIG-２０２６-000123"])
    func refusesMalformedReferences(_ text: String) {
        #expect(CaseReference(text) == nil)
    }

    @Test func officeCodesAreCapitalLetters() {
        #expect(OfficeCode("ECO") != nil)
        #expect(OfficeCode("AOAC") != nil)
        #expect(OfficeCode("E") == nil)
        #expect(OfficeCode("eco") == nil)
        #expect(OfficeCode("EC0") == nil)
    }

    @Test func codableAsPlainStrings() throws {
        let reference = try #require(CaseReference("OMB-2027-000042"))
        let data = try JSONEncoder().encode([reference])
        #expect(String(decoding: data, as: UTF8.self) == "[\"OMB-2027-000042\"]")
        #expect(try JSONDecoder().decode([CaseReference].self, from: data) == [reference])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CaseReference].self, from: Data("[\"nope\"]".utf8)) }
    }
}
