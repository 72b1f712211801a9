import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OversightStore
import PostgresClient

/// Turns every error into an RFC 9457 problem response, in one place. Unknown errors are
/// logged with the request's id and answered with a generic 500, so no internal text (SQL,
/// libpq messages) reaches a client.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any ProblemConvertible {
            return try error.problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            // Hummingbird's and NIO's own (no route, body too large), in our problem format.
            return try Self.problem(for: error.status, body: (error as? HTTPError)?.body).response(from: request, context: context)
        } catch let error as PostgresError {
            return try Self.problem(for: error, logger: context.logger).response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return try Problem(.internalError, detail: "the request could not be completed; quote the request id to support")
                .response(from: request, context: context)
        }
    }

    /// A database error: connection trouble (lost, refused, no free connection) and operator
    /// intervention (a terminated backend, a restart, a cancelled statement) ask the client to
    /// try again shortly; anything else is an internal error, logged by SQLSTATE, message and
    /// names only (`detail` can quote the values of a row).
    static func problem(for error: PostgresError, logger: Logger) -> Problem {
        logger.error(
            "database error",
            metadata: [
                "sqlstate": "\(error.sqlState?.rawValue ?? "-")", "code": "\(error.code)", "message": "\(error.message)",
                "constraint": "\(error.constraint ?? "-")", "table": "\(error.table ?? "-")",
            ])
        let unavailable =
            [.couldNotConnect, .connectionLost, .poolTimeout].contains(error.code) || ["08", "57"].contains(error.sqlState?.errorClass ?? "")
        if unavailable {
            return Problem(.databaseUnavailable, detail: "the database is unavailable for a moment; try again", headers: [.retryAfter: "1"])
        }
        return Problem(.internalError, detail: "the request could not be completed; quote the request id to support")
    }

    /// Hummingbird's own errors (no route, body too large) mapped to our problem types.
    static func problem(for status: HTTPResponse.Status, body: String?) -> Problem {
        switch status {
        case .notFound: Problem(.notFound, detail: "no such resource")
        case .methodNotAllowed: Problem(.methodNotAllowed)
        case .contentTooLarge: Problem(.payloadTooLarge, detail: "the request body exceeds 1 MB")
        case .badRequest: Problem(.badRequest, detail: body)
        default:
            Problem(Problem.Kind(slug: "http-\(status.code)", title: status.reasonPhrase, status: status))
        }
    }
}
