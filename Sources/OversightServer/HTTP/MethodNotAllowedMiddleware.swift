import HTTPTypes
import Hummingbird

/// Turns "no route" into 405 with `Allow` when the path exists under other methods. Added
/// after every route, so Hummingbird applies it to the not-found responder only.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route as its path segments (`{x}` and `:x` match any one segment) and method.
    let routes: [(segments: [Substring], method: HTTPRequest.Method)]

    init(routes: [(path: String, method: HTTPRequest.Method)]) {
        self.routes = routes.map { ($0.path.split(separator: "/"), $0.method) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            let allowed = routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { pattern, segment in
                        pattern.hasPrefix("{") || pattern.hasPrefix(":") || pattern == segment
                    }
            }.map(\.method.rawValue)
            guard !allowed.isEmpty else { throw error }
            throw Problem(
                .methodNotAllowed, detail: "allowed: \(Set(allowed).sorted().joined(separator: ", "))",
                headers: [.allow: Set(allowed).sorted().joined(separator: ", ")])
        }
    }
}
