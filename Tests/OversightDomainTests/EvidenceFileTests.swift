import Foundation
import OversightDomain
import Testing

/// Evidence files (issue 12): a file's kind is told by its content, its name is checked and
/// never a path, and what in it could name its maker is found as it streams by.
struct EvidenceFileTests {
    static let zipOfOffice: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("[Content_Types].xml".utf8)

    @Test(
        arguments: [
            (Array("%PDF-1.7\n".utf8), EvidenceType.pdf),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], .png),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], .jpeg),
            (Array("GIF89a....".utf8), .gif),
            (zipOfOffice, .officeOpenXML),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0], .officeLegacy),
            (Array("Minutes of the tender committee, 3 March.\nPresent: ...".utf8), .plainText),
            (Array("From: a@example.org\r\nTo: b@example.org\r\nSubject: Tender\r\n\r\nSee attached.".utf8), .email),
        ] as [([UInt8], EvidenceType)])
    func theKindIsToldByTheContent(bytes: [UInt8], kind: EvidenceType) {
        #expect(EvidenceType.sniff(bytes) == kind)
    }

    @Test func contentOfNoAcceptedKindIsNotGuessed() {
        #expect(EvidenceType.sniff([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]) == nil, "a ZIP that is not an Office document")
        #expect(EvidenceType.sniff([0x4D, 0x5A, 0x90, 0x00, 0x03]) == nil, "a Windows program")
        #expect(EvidenceType.sniff(Array("text\0with a NUL".utf8)) == nil)
        #expect(EvidenceType.sniff([0xC3, 0x28, 0x41]) == nil, "not UTF-8")
        #expect(EvidenceType.sniff(Array("Note: the from line is not a header block".utf8)) == .plainText)
        #expect(EvidenceType.declared("application/pdf; charset=binary") == .pdf)
        #expect(EvidenceType.declared("application/x-msdownload") == nil)
    }

    @Test func aNameWithAPathSeparatorOrAControlCharacterIsRefused() throws {
        #expect(try EvidenceFileName.check("  Invoice 2026-03.pdf ") == "Invoice 2026-03.pdf")
        func refusal(_ name: String) -> EvidenceFileName.Refusal? {
            do {
                _ = try EvidenceFileName.check(name)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal("../../etc/passwd") == .pathSeparator)
        #expect(refusal("C:\\Users\\me\\statement.docx") == .pathSeparator)
        #expect(refusal("bell\u{07}.pdf") == .controlCharacter)
        #expect(refusal("line\nbreak.pdf") == .controlCharacter)
        #expect(refusal("invoice\u{202E}fdp.exe") == .controlCharacter, "a right-to-left override hides the real extension")
        #expect(refusal("   ") == .empty)
        #expect(refusal("..") == .dotsOnly)
        #expect(refusal(String(repeating: "é", count: 128) + ".pdf") == .tooLong)
    }

    @Test func aDownloadOffersTheNameSafelyAndExactly() {
        #expect(
            EvidenceFileName.contentDisposition("Déclaration été.pdf")
                == "attachment; filename=\"D_claration _t_.pdf\"; filename*=UTF-8''D%C3%A9claration%20%C3%A9t%C3%A9.pdf")
        #expect(EvidenceFileName.contentDisposition("a\"b;c.pdf") == "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf")
    }

    @Test func metadataIsFoundEvenWhereAChunkCutsItsMarker() {
        var photo = EvidenceMetadataScan(type: .jpeg)
        photo.scan([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x20] + Array("Ex".utf8))
        #expect(photo.warnings.isEmpty)
        photo.scan(Array("if\0\0MM".utf8))
        #expect(photo.warnings.count == 1 && photo.warnings[0].contains("EXIF"))

        var document = EvidenceMetadataScan(type: .pdf)
        document.scan(Array("%PDF-1.7\n1 0 obj << /Producer (x) >>".utf8))
        #expect(document.warnings.isEmpty, "the producing software alone names no one")
        document.scan(Array("2 0 obj << /Author (M. Dupont) >>".utf8))
        #expect(document.warnings == ["the PDF names an author or creator in its properties"])

        #expect(EvidenceMetadataScan(type: .email).warnings.count == 1, "an email's headers always name people")
        var plain = EvidenceMetadataScan(type: .plainText)
        plain.scan(Array("/Author Exif\0\0".utf8))
        #expect(plain.warnings.isEmpty, "markers mean nothing in plain text")
    }

    @Test func configCheckRefusesUnknownKindsAndLimitsThatCannotHold() throws {
        var files = try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
        files.files["attachments.yaml"] = "max_file_mb: 50\nmax_case_mb: 10\nallowed: [pdf, exe]\n"
        let error = #expect(throws: ConfigurationError.self) { try OversightConfiguration.load(files) }
        let reported = error?.problems.map(\.description) ?? []
        #expect(reported.contains("attachments.yaml: max_case_mb: must be at least max_file_mb"))
        #expect(reported.contains { $0.hasPrefix("attachments.yaml: allowed[1]: unknown kind \"exe\"") })
        #expect(shippedConfiguration.evidence == .defaults)
    }
}
