import Foundation
import Hummingbird
import OversightDomain

/// The context of every request: Hummingbird's core, plus the actor that
/// `AuthenticationMiddleware` verified on `/v1` routes (nil before it and elsewhere).
public struct OversightRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var actor: Actor?
    /// Where the request came from, as a hash under this process's random seed: what the
    /// intake throttle counts by. Never the address itself, which nothing keeps.
    public let sourceTag: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.actor = nil
        var hasher = Hasher()
        hasher.combine(source.channel.remoteAddress?.ipAddress ?? "")
        self.sourceTag = hasher.finalize()
    }

    /// Bodies over 1 MB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
    public var responseEncoder: JSONEncoder { oversightResponseEncoder }
}

/// The context of a `/v1` handler: the authenticated actor is always there, so a handler
/// cannot forget to ask for it. Made from the parent context after the authentication
/// middleware ran; a route mounted without that middleware answers 401.
public struct AuthenticatedRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let actor: Actor

    public init(context: OversightRequestContext) throws {
        guard let actor = context.actor else { throw Problem(.unauthenticated, detail: "a bearer token is required") }
        self.coreContext = context.coreContext
        self.actor = actor
    }

    public var maxUploadSize: Int { 1 << 20 }
    public var responseEncoder: JSONEncoder { oversightResponseEncoder }
}

/// The one encoder of every JSON response: snake_case keys from the Swift names (a
/// dictionary's own keys are left as they are), sorted for stable output, ISO 8601 dates.
/// Shared across requests: its settings never change, and making one per response showed in
/// the profile.
let oversightResponseEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
}()

extension Parameters {
    /// The `{reference}` of a case route, percent-decoded (Hummingbird leaves it encoded) and
    /// in canonical form however the caller typed it. A malformed reference cannot name a
    /// case, so it answers the same 404 as a missing one.
    func require(_ name: String, as: CaseReference.Type) throws -> CaseReference {
        guard let raw = self[name[...]], let decoded = String(raw).removingPercentEncoding, let reference = CaseReference(decoded) else {
            throw Problem(.notFound, detail: "no such resource")
        }
        return reference
    }

    /// The `{office}` of an office route; not an office code answers 404.
    func require(_ name: String, as: OfficeCode.Type) throws -> OfficeCode {
        guard let raw = self[name[...]], let office = OfficeCode(String(raw)) else { throw Problem(.notFound, detail: "no such office") }
        return office
    }
}
