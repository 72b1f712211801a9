import Foundation
import OversightDomain
import Testing

struct CaseReferenceTests {
    @Test func formatsAsThreeGroupsOfFourAndReadsBack() throws {
        for _ in 0..<200 {
            let reference = CaseReference.random()
            let text = reference.description
            #expect(text.count == 14)
            #expect(text.split(separator: "-").map(\.count) == [4, 4, 4])
            #expect(CaseReference(text) == reference)
        }
    }

    @Test func theDocumentedExampleIsAValidReference() {
        #expect(CaseReference("7KQ4-M9XD-2HPN")?.description == "7KQ4-M9XD-2HPN")
    }

    @Test func readsWhatAPersonTypes() throws {
        let reference = CaseReference.random()
        let text = reference.description
        #expect(CaseReference(text.lowercased()) == reference)
        #expect(CaseReference(text.replacingOccurrences(of: "-", with: "")) == reference)
        #expect(CaseReference(text.replacingOccurrences(of: "-", with: " ")) == reference)
        // Crockford: O reads as 0, I and L as 1.
        let zeroed = text.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        #expect(CaseReference(zeroed) == reference)
    }

    @Test func aMistypedSymbolIsCaught() throws {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for _ in 0..<50 {
            let text = Array(CaseReference.random().description.replacingOccurrences(of: "-", with: ""))
            for position in text.indices {
                for symbol in alphabet where symbol != text[position] {
                    var typo = text
                    typo[position] = symbol
                    #expect(CaseReference(String(typo)) == nil, "\(String(typo)) from \(String(text))")
                }
            }
        }
    }

    @Test func referencesDoNotRepeatOrCount() {
        let references = (0..<10_000).map { _ in CaseReference.random().description }
        #expect(Set(references).count == references.count)
        // Nothing about an office or a sequence: no common prefix across a sample.
        #expect(Set(references.map { $0.prefix(2) }).count > 500)
    }

    @Test(arguments: ["", "OIG-2026-000123", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCU-EFGH-JKMN", "ABCD_EFGH_JKMN", "ＡBCD-EFGH-JKMN"])
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
        let reference = CaseReference.random()
        let data = try JSONEncoder().encode([reference])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(reference.description)\"]")
        #expect(try JSONDecoder().decode([CaseReference].self, from: data) == [reference])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CaseReference].self, from: Data("[\"nope\"]".utf8)) }
    }
}
