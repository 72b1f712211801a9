import Foundation
import HTTPTypes
import Hummingbird
import OversightDomain
import OversightStore

/// Legal holds: the head of the case's office keeps a case's content past its retention
/// period (Config/retention.yaml) until the hold is lifted; both are recorded in the history.
struct LegalHoldRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    struct HoldRequest: StrictDecodable, Sendable {
        static let allowedFields: Set<String> = ["reason"]
        let reason: String

        func validate() throws(Problem) { try InputCheck.text("reason", reason, maximum: 2_000) }
    }

    struct HoldResponse: ResponseEncodable, Sendable {
        let reason: String
        let setAt: Date
    }

    func register(on group: RouterGroup<Context>) {
        group.get("/cases/{reference}/legal-hold", use: show)
        group.put("/cases/{reference}/legal-hold", use: set)
        group.delete("/cases/{reference}/legal-hold", use: lift)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> HoldResponse {
        let (record, access) = try await store.find(try reference(context), for: context.actor)
        guard access.discloses(.content), let hold = try await store.legalHold(of: record, for: context.actor) else {
            throw Problem(.notFound, detail: "the case is under no legal hold")
        }
        return HoldResponse(reason: hold.reason, setAt: hold.setAt)
    }

    @Sendable func set(_ request: Request, context: Context) async throws -> EditedResponse<HoldResponse> {
        let body = try await request.decodeStrict(HoldRequest.self, context: context)
        let hold = try await store.setLegalHold(try reference(context), reason: body.reason, by: context.actor)
        return EditedResponse(status: .created, response: HoldResponse(reason: hold.reason, setAt: hold.setAt))
    }

    @Sendable func lift(_ request: Request, context: Context) async throws -> Response {
        try await store.liftLegalHold(try reference(context), by: context.actor)
        return Response(status: .noContent)
    }

    func reference(_ context: Context) throws -> String {
        try context.parameters.require("reference", as: CaseReference.self).description
    }
}
