import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-ID")!
}

/// Gives every request an id: the caller's `X-Request-ID` when it is well formed, a new one
/// otherwise. The id is echoed on the response and set on the request's logger, so every log
/// line of the request carries it.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var metadataKey: String { "request_id" }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Anonymous intake gets no id: an id in a log line or a response could be joined to a
        // network log that knows where the request came from.
        if request.uri.path.hasPrefix(IntakeRoutes.pathPrefix) {
            var context = context
            context.logger[metadataKey: "hb.request.id"] = nil
            return try await next(request, context)
        }
        let id = request.headers[.requestID].flatMap(Self.accepted) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: Self.metadataKey] = .string(id)
        // Hummingbird's own lines carry its id key; make it the same id, so a request has one.
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch let error as any HTTPResponseError {
            // Errors that escape the problem middleware still carry the id.
            var response = try error.response(from: request, context: context)
            response.headers[.requestID] = id
            return response
        }
    }

    /// An id is echoed only if it is 1 to 128 characters of letters, digits, `-`, `_`, `.`:
    /// anything else could forge log lines or headers.
    static func accepted(_ candidate: String) -> String? {
        guard (1...128).contains(candidate.utf8.count),
            candidate.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            })
        else { return nil }
        return candidate
    }
}
