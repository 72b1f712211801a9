import HTTPTypes
import Hummingbird
import Logging
import OversightDomain
import OversightStore

/// Verifies the `Authorization: Bearer` token of every request it guards and puts the actor
/// into the context. A token in the query string is refused, never read: URLs end up in logs.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = OversightRequestContext
    let keys: TokenKeys
    /// Resolves anonymous reporters' session tokens (`ors_...`); nil when intake is off.
    let intake: IntakeDesk?

    public init(keys: TokenKeys, intake: IntakeDesk? = nil) {
        self.keys = keys
        self.intake = intake
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = request.uri.queryParameters
        if query["access_token"] != nil || query["token"] != nil || query["jwt"] != nil {
            throw Self.problem(.inQueryString)
        }
        guard let header = request.headers[.authorization] else { throw Self.problem(.missing) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else { throw Self.problem(.malformed) }
        var context = context
        if let intake, parts[1].hasPrefix(IntakeDesk.sessionTokenPrefix) {
            // A reporter session acts as its case's anonymous reporter and as no one else.
            guard let reporter = try await intake.reporter(ofSession: String(parts[1])) else {
                throw Problem(.unauthenticated, detail: "the session has ended or expired; open a new one with your receipt")
            }
            context.actor = reporter
            return try await next(request, context)
        }
        do {
            // The actor is not put on the request's logger: a log line of a reporter's request
            // would otherwise tie the person to the case.
            context.actor = try await keys.actor(from: String(parts[1]))
        } catch {
            throw Self.problem(error)
        }
        return try await next(request, context)
    }

    static func problem(_ failure: AuthenticationFailure) -> Problem {
        let detail =
            switch failure {
            case .missing: "send a bearer token in the Authorization header"
            case .malformed: "the bearer token is malformed"
            case .invalid: "the bearer token's signature or audience is not accepted"
            case .expired: "the bearer token has expired"
            case .inQueryString: "tokens are accepted only in the Authorization header, never in the URL"
            }
        return Problem(.unauthenticated, detail: detail)
    }
}
