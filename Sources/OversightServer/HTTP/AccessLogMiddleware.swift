import Foundation
import Hummingbird
import Logging

/// One line per request: method, route template (`/v1/cases/{reference}`, never the path
/// with its reference or the query string), status and duration. URLs carry references and
/// filters; a log platform should be able to keep these lines without learning who filed what.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    public init(_ level: Logger.Level) {
        self.level = level
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), since: started)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: Int(error.status.code), since: started)
            throw error
        } catch {
            log(request, context, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "(no route)"),
            "status": .stringConvertible(status),
        ]
        // Anonymous intake: method, route and status only (a duration helps match a line to a
        // network capture).
        if !request.uri.path.hasPrefix(IntakeRoutes.pathPrefix) { metadata["ms"] = .string(String(format: "%.1f", milliseconds)) }
        context.logger.log(level: level, "request", metadata: metadata)
    }
}
