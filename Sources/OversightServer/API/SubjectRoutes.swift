import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// The subject's right to respond: `GET /v1/cases/{reference}/subject-view` and
/// `POST /v1/cases/{reference}/subject-response`, for the subject of a case during their
/// comment period only; for everyone else, and at any other time, the same 404 as a missing
/// case.
struct SubjectRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    struct View: ResponseEncodable, Sendable {
        let reference: String
        let view: String
        let allegationsSummary: String
        let notifiedAt: Date?
        let respondBy: Date?
        let respondedAt: Date?

        init(_ view: SubjectView) {
            reference = view.reference
            self.view = "subject"
            allegationsSummary = view.allegationsSummary
            notifiedAt = view.notifiedAt
            respondBy = view.respondBy
            respondedAt = view.respondedAt
        }
    }

    struct ResponseRequest: StrictDecodable, Sendable {
        static let allowedFields: Set<String> = ["comments"]
        let comments: String

        func validate() throws(Problem) { try InputCheck.text("comments", comments, maximum: 20_000) }
    }

    func register(on group: RouterGroup<Context>) {
        group.get("/cases/{reference}/subject-view", use: show)
        group.post("/cases/{reference}/subject-response", use: respond)
        group.post("/cases/{reference}/subject-response/attachments", use: attach)
    }

    /// A file with the response (the body is the file, as for the case's own attachments).
    @Sendable func attach(_ request: Request, context: Context) async throws -> EditedResponse<AttachmentResponse> {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let file = try AttachmentRoutes.describedFile(request)
        let stored = try await store.attachAsSubject(
            reference, name: file.name, mediaType: file.mediaType, declaredLength: file.length, body: request.body, by: context.actor)
        return EditedResponse(status: .created, response: AttachmentResponse(stored))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> View {
        View(try await store.subjectView(try context.parameters.require("reference", as: CaseReference.self).description, for: context.actor))
    }

    @Sendable func respond(_ request: Request, context: Context) async throws -> EditedResponse<View> {
        let reference = try context.parameters.require("reference", as: CaseReference.self).description
        let body = try await request.decodeStrict(ResponseRequest.self, context: context)
        let view = try await store.respondAsSubject(reference, text: body.comments, by: context.actor)
        return EditedResponse(status: .created, response: View(view))
    }
}
