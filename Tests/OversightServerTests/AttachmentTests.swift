import Crypto
import Foundation
import HTTPTypes
import NIOCore
import OversightDomain
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Evidence attachments (issue 12): streamed into PostgreSQL in chunks, told by content,
/// recorded by SHA-256 in the history when shared, downloaded as an attachment by those who may
/// see them; a reporter's file that carries metadata is held until they confirm it; every
/// refusal leaves nothing stored.
@Suite(.temporaryPostgres)
struct AttachmentTests {
    struct File: Decodable {
        let id: String
        let name: String
        let kind: String
        let size: Int
        let sha256: String
        let uploadedBy: String
        let state: String
        let warnings: [String]
    }

    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    /// A JPEG whose APP1 segment holds EXIF: what a phone writes.
    static let photo: [UInt8] =
        [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10] + Array("Exif\0\0MM\0*".utf8) + [UInt8](repeating: 7, count: 300) + [0xFF, 0xD9]

    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    func counts(_ api: CaseAPIHarness) async throws -> [Int] {
        [try await api.count("SELECT count(*) AS n FROM attachments"), try await api.count("SELECT count(*) AS n FROM attachment_chunks")]
    }

    @Test func aReportersFileReachesTheOfficerWithItsHashInTheHistory() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            // Larger than one chunk, so that it is stored, hashed and read back in several.
            let bytes = Self.pdf + [UInt8](repeating: 0x20, count: 600_000)
            let reply = try await api.upload(
                "/v1/cases/\(reference)/attachments?name=Invoice%20March.pdf", token: staff, bytes: bytes, contentType: "application/pdf")
            #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
            let file = try reply.decode(File.self)
            #expect(file.state == "shared" && file.warnings.isEmpty)
            #expect(file.sha256 == Self.sha256(bytes))
            #expect(file.size == bytes.count)
            #expect(file.uploadedBy == "reporter", "the reporter is a role, never a name")
            #expect(try await api.count("SELECT count(*) AS n FROM attachment_chunks") == 3)

            let listed = try await api.call(.get, "/v1/cases/\(reference)/attachments", token: lead).decode(APIBody.List<File>.self)
            #expect(listed.items.map(\.name) == ["Invoice March.pdf"])
            let download = try await api.call(.get, "/v1/cases/\(reference)/attachments/\(file.id)", token: lead)
            #expect(download.status == .ok)
            #expect(Array(download.body) == bytes)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"Invoice March.pdf\"; filename*=UTF-8''Invoice%20March.pdf")
            #expect(download.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(download.headers[.contentType] == "application/pdf")

            // Chain of custody: the history holds the hash, not the name.
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: lead).decode(APIBody.List<APIBody.Event>.self)
            let attached = try #require(events.items.first { $0.kind == "attached" })
            #expect(attached.data["sha256"] == Self.sha256(bytes))
            #expect(attached.data["attachment_id"] == file.id)
            #expect(attached.actor == "reporter")
            #expect(!attached.data.values.contains { $0.contains("Invoice") })
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)

            // Another staff member sees neither the file nor that it exists.
            let other = try await api.token("hr-olga", "HRM:staff")
            #expect(try await api.call(.get, "/v1/cases/\(reference)/attachments/\(file.id)", token: other).status == .notFound)
        }
    }

    @Test func anAnonymousReportersPhotoWithEXIFIsHeldUntilTheyConfirm() async throws {
        try await CaseAPIHarness.run { api in
            let filed = try await AnonymousIntakeTests.fileAnonymously(api)
            let opened = try await AnonymousIntakeTests.openSession(api, filed.receipt)
            let session = try APIBody.decoder.decode(AnonymousIntakeTests.Session.self, from: opened.body).token
            let lead = try await api.token("oig-lead", "OIG:lead")

            let reply = try await api.upload(
                "/v1/cases/\(filed.reference)/attachments?name=IMG_2041.jpg", token: session, bytes: Self.photo, contentType: "image/jpeg")
            #expect(reply.status == .created)
            let held = try reply.decode(File.self)
            #expect(held.state == "held")
            #expect(held.warnings.count == 1 && held.warnings[0].contains("EXIF"))
            // Not yet the office's: not listed, not downloadable, not in the history.
            #expect(try await api.call(.get, "/v1/cases/\(filed.reference)/attachments", token: lead).decode(APIBody.List<File>.self).items.isEmpty)
            #expect(try await api.call(.get, "/v1/cases/\(filed.reference)/attachments/\(held.id)", token: lead).status == .notFound)
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE kind = 'attached'") == 0)
            // The officer cannot confirm it for the reporter.
            #expect(try await api.call(.post, "/v1/cases/\(filed.reference)/attachments/\(held.id)/confirm", token: lead).status == .conflict)

            let confirmed = try await api.call(.post, "/v1/cases/\(filed.reference)/attachments/\(held.id)/confirm", token: session)
            #expect(confirmed.status == .ok)
            #expect(try confirmed.decode(File.self).state == "shared")
            let seen = try await api.call(.get, "/v1/cases/\(filed.reference)/attachments", token: lead).decode(APIBody.List<File>.self)
            #expect(seen.items.map(\.id) == [held.id])
            #expect(seen.items.first?.warnings == held.warnings, "the officer is told what the file may reveal")
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE kind = 'attached'") == 1)

            // A second one the reporter thinks better of is gone without a trace.
            let second = try await api.upload(
                "/v1/cases/\(filed.reference)/attachments?name=IMG_2042.jpg", token: session, bytes: Self.photo, contentType: "image/jpeg")
            let discardID = try second.decode(File.self).id
            #expect(try await api.call(.delete, "/v1/cases/\(filed.reference)/attachments/\(discardID)", token: session).status == .noContent)
            #expect(try await counts(api) == [1, 1])
            #expect(try await api.call(.post, "/v1/cases/\(filed.reference)/attachments/\(held.id)/confirm", token: session).status == .conflict)
        }
    }

    @Test func theSubjectAttachesAFileToTheirResponseWithoutSeeingTheCase() async throws {
        try await CaseAPIHarness.run { api in
            let subject = try await api.token("fin-gus", "FIN:staff")
            let investigator = try await api.token("inv-amara", "OIG:officer")
            let reference = try await SubjectResponseTests().investigationAtDraftReport(api)
            let path = "/v1/cases/\(reference)/subject-response/attachments?name=delivery-note.pdf"
            // Before the comment period there is nothing to attach to.
            #expect(try await api.upload(path, token: subject, bytes: Self.pdf, contentType: "application/pdf").status == .notFound)
            let notified = try await api.transition(
                reference, "notify_subject", token: investigator, fields: ["allegations_summary": "Two payments for one delivery."])
            #expect(notified.status == .ok)
            let reply = try await api.upload(path, token: subject, bytes: Self.pdf, contentType: "application/pdf")
            #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
            let file = try reply.decode(File.self)
            #expect(file.uploadedBy == "subject" && file.state == "shared")
            // The investigators have it, with its hash in the history; the subject still sees no case.
            let listed = try await api.call(.get, "/v1/cases/\(reference)/attachments", token: investigator).decode(APIBody.List<File>.self)
            #expect(listed.items.map(\.id) == [file.id])
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: investigator).decode(APIBody.List<APIBody.Event>.self)
            #expect(events.items.last?.kind == "attached" && events.items.last?.actor == "subject")
            #expect(try await api.call(.get, "/v1/cases/\(reference)/attachments", token: subject).status == .notFound)
            #expect(try await api.call(.get, "/v1/cases/\(reference)/attachments/\(file.id)", token: subject).status == .notFound)
            // Someone who is not the subject cannot attach through the subject's door.
            let other = try await api.token("hr-olga", "HRM:staff")
            #expect(try await api.upload(path, token: other, bytes: Self.pdf, contentType: "application/pdf").status == .notFound)
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
        }
    }

    @Test(
        arguments: [
            ("empty.pdf", "application/pdf", [UInt8](), HTTPResponse.Status.unprocessableContent, "/problems/empty-file"),
            ("photo.pdf", "application/pdf", photo, .unprocessableContent, "/problems/content-mismatch"),
            ("notes.txt", "text/plain", Array("a\0b".utf8), .unprocessableContent, "/problems/content-mismatch"),
            ("setup.exe", "application/x-msdownload", [0x4D, 0x5A, 0x90, 0x00], .unsupportedMediaType, "/problems/file-type-not-allowed"),
            ("..%2F..%2Fetc%2Fpasswd", "text/plain", Array("root".utf8), .badRequest, "/problems/invalid-file-name"),
            ("report%5Cmarch.pdf", "application/pdf", pdf, .badRequest, "/problems/invalid-file-name"),
            ("bell%07.pdf", "application/pdf", pdf, .badRequest, "/problems/invalid-file-name"),
            ("invoice%E2%80%AEfdp.exe", "application/pdf", pdf, .badRequest, "/problems/invalid-file-name"),
            ("", "application/pdf", pdf, .badRequest, "/problems/invalid-file-name"),
        ] as [(String, String, [UInt8], HTTPResponse.Status, String)])
    func aBadFileIsRefusedAndNothingIsStored(name: String, type: String, bytes: [UInt8], status: HTTPResponse.Status, problem: String)
        async throws
    {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)
            let version = try await api.count("SELECT version::int8 AS n FROM cases")
            let reply = try await api.upload("/v1/cases/\(reference)/attachments?name=\(name)", token: staff, bytes: bytes, contentType: type)
            #expect(reply.status == status)
            #expect(reply.problemType == problem)
            #expect(try await counts(api) == [0, 0])
            #expect(try await api.count("SELECT version::int8 AS n FROM cases") == version)
        }
    }

    /// What a connection closed mid-upload or a file past the limit looks like to the store: a
    /// body that fails, or goes on, part of the way in. Nothing of it stays.
    @Test func anUploadCutOffOrPastTheLimitLeavesNothing() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)
            let actor = Actor(id: "hr-fatima", memberships: [OfficeMembership(office: OfficeCode("HRM")!, role: .staff)])
            struct CutOff: Error {}
            let cut = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(bytes: Self.pdf + [UInt8](repeating: 0x20, count: 400_000)))
                continuation.finish(throwing: CutOff())
            }
            await #expect(throws: CutOff.self) {
                try await api.store.attach(reference, name: "cut.pdf", mediaType: "application/pdf", declaredLength: nil, body: cut, by: actor)
            }
            #expect(try await counts(api) == [0, 0])

            // 21 MB, sent without a length: refused as it passes 20 MB.
            let endless = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
                continuation.yield(ByteBuffer(bytes: Self.pdf))
                for _ in 0..<21 { continuation.yield(ByteBuffer(repeating: 0x20, count: 1 << 20)) }
                continuation.finish()
            }
            await #expect(throws: CaseStoreError.attachment(.tooLarge(limit: 20 << 20))) {
                try await api.store.attach(reference, name: "big.pdf", mediaType: "application/pdf", declaredLength: nil, body: endless, by: actor)
            }
            #expect(try await counts(api) == [0, 0])
            // Declared too large, refused before a byte is read.
            let declared = try await api.call(
                .post, "/v1/cases/\(reference)/attachments?name=big.pdf", token: staff,
                headers: [.contentType: "application/pdf", .contentLength: String(21 << 20)])
            #expect(declared.problemType == "/problems/file-too-large")
        }
    }
}
