import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OversightDomain
import OversightStore

/// Evidence files: the reporter and the officers who work a case attach files to it; those
/// who may see a file download it. The body of an upload is the file itself, streamed into
/// PostgreSQL as it arrives; its name comes in `name=`, its type in `Content-Type`.
struct AttachmentRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    func register(on group: RouterGroup<Context>) {
        group.post("/cases/{reference}/attachments", use: upload)
        group.get("/cases/{reference}/attachments", use: list)
        group.get("/cases/{reference}/attachments/{id}", use: download)
        group.post("/cases/{reference}/attachments/{id}/confirm", use: confirm)
        group.delete("/cases/{reference}/attachments/{id}", use: discard)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<AttachmentResponse> {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let file = try Self.describedFile(request)
        let stored = try await store.attach(
            reference, name: file.name, mediaType: file.mediaType, declaredLength: file.length, body: request.body, by: context.actor)
        return EditedResponse(
            status: .created, headers: [.location: "/v1/cases/\(reference)/attachments/\(stored.id.uuidString.lowercased())"],
            response: AttachmentResponse(stored))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> AttachmentListResponse {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        return AttachmentListResponse(items: try await store.attachments(reference, for: context.actor).map(AttachmentResponse.init))
    }

    /// The file, chunk by chunk (never whole in memory), as an attachment the browser saves
    /// and does not render or sniff.
    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let id = try Self.attachmentID(context)
        guard let file = try await store.attachment(reference, id: id, for: context.actor) else { throw CaseStoreError.notFound }
        let store = self.store
        let actor = context.actor
        let headers: HTTPFields = [
            .contentType: file.mediaType, .contentDisposition: EvidenceFileName.contentDisposition(file.name),
            .init("X-Content-Type-Options")!: "nosniff", .cacheControl: "no-store",
            .init("Content-Security-Policy")!: "default-src 'none'; sandbox",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: file.size) { writer in
                for seq in 0..<file.chunks {
                    try await writer.write(ByteBuffer(bytes: try await store.attachmentChunk(id, seq: seq, for: actor)))
                }
                try await writer.finish(nil)
            })
    }

    @Sendable func confirm(_ request: Request, context: Context) async throws -> AttachmentResponse {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let id = try Self.attachmentID(context)
        return AttachmentResponse(try await store.shareAttachment(reference, id: id, by: context.actor))
    }

    @Sendable func discard(_ request: Request, context: Context) async throws -> Response {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let id = try Self.attachmentID(context)
        try await store.discardAttachment(reference, id: id, by: context.actor)
        return Response(status: .noContent)
    }
}

extension AttachmentRoutes {
    /// What an upload says of its file besides its bytes: the name (`name=`), the type
    /// (`Content-Type`, required) and the length when sent.
    static func describedFile(_ request: Request) throws -> (name: String, mediaType: String, length: Int?) {
        guard let mediaType = request.headers[.contentType] else {
            throw Problem(.fileTypeNotAllowed, detail: "send the file's type in Content-Type, e.g. application/pdf")
        }
        return (request.uri.queryParameters.get("name") ?? "", mediaType, request.headers[.contentLength].flatMap { Int($0) })
    }

    /// An id that is not a UUID names no file: 404, like one that names a file not yours to see.
    static func attachmentID(_ context: Context) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw CaseStoreError.notFound }
        return id
    }
}

struct AttachmentResponse: ResponseEncodable, Sendable {
    /// Lower-case, as the history's `attached` event names it.
    let id: String
    let name: String
    let mediaType: String
    let kind: String
    let size: Int
    let sha256: String
    let uploadedBy: String
    let uploadedAt: Date
    /// held: waiting for the reporter to confirm, having read the warnings; shared: the office has it.
    let state: String
    /// What in the file could name who made it (EXIF, document authors, mail headers).
    let warnings: [String]

    init(_ stored: StoredAttachment) {
        id = stored.id.uuidString.lowercased()
        name = stored.name
        mediaType = stored.mediaType
        kind = stored.kind.rawValue
        size = stored.size
        sha256 = stored.sha256
        uploadedBy = stored.uploadedBy
        uploadedAt = stored.uploadedAt
        state = stored.state.rawValue
        warnings = stored.warnings
    }
}

struct AttachmentListResponse: ResponseEncodable, Sendable {
    let items: [AttachmentResponse]
}
