import Foundation
import HTTPTypes
import Hummingbird
import OversightDomain
import OversightStore

/// Anonymous intake: filing without a login, and exchanging the receipt for a reporter
/// session. Mounted without authentication. Nothing about the sender is kept: the request id
/// middleware leaves these routes alone, the access log writes method, route and status only,
/// and the throttle keeps a per-process hash of the source address in memory for a minute.
struct IntakeRoutes: Sendable {
    typealias Context = OversightRequestContext
    /// Where the routes live: the request id and access log middlewares treat them apart.
    static let pathPrefix = "/v1/intake"
    let desk: IntakeDesk
    let throttle: IntakeThrottle

    func register(on router: Router<Context>) {
        router.post("/v1/intake", use: file)
        router.post("/v1/intake/session", use: openSession)
        router.delete("/v1/intake/session", use: endSession)
    }

    @Sendable func file(_ request: Request, context: Context) async throws -> EditedResponse<AnonymousFilingResponse> {
        try throttle.admit(.filing, from: context.sourceTag)
        let body = try await request.decodeStrict(FileCaseRequest.self, context: context)
        let filed = try await desk.file(body.filing)
        return EditedResponse(
            status: .created, headers: [.cacheControl: "no-store"],
            response: AnonymousFilingResponse(
                reference: filed.reference, status: filed.status, receipt: filed.receipt,
                alsoOpened: filed.alsoOpened.isEmpty ? nil : filed.alsoOpened))
    }

    @Sendable func openSession(_ request: Request, context: Context) async throws -> EditedResponse<IntakeSessionResponse> {
        try throttle.admit(.receipt, from: context.sourceTag)
        let body = try await request.decodeStrict(OpenSessionRequest.self, context: context)
        guard IntakeReceipt.isWellFormed(body.receipt) else {
            throw Problem(.invalidReceipt, detail: "a receipt is the sixteen digits you were given when you filed, without spaces")
        }
        guard let session = try await desk.openSession(receipt: body.receipt) else {
            throw Problem(.unknownReceipt, detail: "check the digits; after several wrong tries, wait a minute before the next")
        }
        return EditedResponse(
            status: .created, headers: [.cacheControl: "no-store"],
            response: IntakeSessionResponse(
                token: session.token, reference: session.reference, expiresAt: session.expiresAt,
                alsoOpened: session.alsoOpened.isEmpty ? nil : session.alsoOpened))
    }

    @Sendable func endSession(_ request: Request, context: Context) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer " + IntakeDesk.sessionTokenPrefix) else {
            throw Problem(.unauthenticated, detail: "send the session's token in the Authorization header")
        }
        guard try await desk.endSession(String(header.dropFirst("Bearer ".count))) else {
            throw Problem(.unauthenticated, detail: "the session has ended or expired")
        }
        return Response(status: .noContent)
    }
}

/// `POST /v1/intake/session`.
struct OpenSessionRequest: StrictDecodable, Sendable {
    static let allowedFields: Set<String> = ["receipt"]
    let receipt: String
}

struct AnonymousFilingResponse: ResponseEncodable, Sendable {
    let reference: String
    let status: String
    /// Shown this once: the only way back to the case.
    let receipt: String
    /// The cases the answers opened at other offices (absent when none did).
    let alsoOpened: [String]?
}

struct IntakeSessionResponse: ResponseEncodable, Sendable {
    let token: String
    let reference: String
    let expiresAt: Date
    /// The other cases the same report opened, which the session reaches too.
    let alsoOpened: [String]?
}
