import Hummingbird
import OversightDomain

/// The context of every request: Hummingbird's core, plus the authenticated actor (set by
/// `AuthenticationMiddleware` on `/v1` routes).
public struct OversightRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var actor: Actor?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.actor = nil
    }

    /// Bodies over 1 MB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The actor, or 401 for a route that forgot to sit behind the authentication middleware.
    public func requireActor() throws -> Actor {
        guard let actor else { throw Problem(.unauthenticated, detail: "a bearer token is required") }
        return actor
    }
}
