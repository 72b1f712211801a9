import Foundation
import JWTKit
import OversightDomain

/// The claims the service reads from a bearer token: who (subject, name) and which roles in
/// which offices (`"OIG:lead"`, `"ECO:officer"`, `"HR:staff"`).
public struct OversightClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    public var iat: IssuedAtClaim?
    public var nbf: NotBeforeClaim?
    public var name: String?
    public var roles: [String]
    public var iss: IssuerClaim?
    public var aud: AudienceClaim?

    public init(subject: String, name: String?, roles: [String], expires: Date, issuedAt: Date = Date()) {
        self.sub = SubjectClaim(value: subject)
        self.exp = ExpirationClaim(value: expires)
        self.iat = IssuedAtClaim(value: issuedAt)
        self.name = name
        self.roles = roles
    }

    /// Times, issuer and audience are checked by `TokenKeys.check`, with the configured
    /// clock skew and settings; jwt-kit checks the signature.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The actor these claims describe; nil when a role is not `OFFICE:role`.
    public var actor: Actor? {
        var memberships: Set<OfficeMembership> = []
        for entry in roles {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let office = OfficeCode(parts[0]), let role = Role(rawValue: parts[1]) else { return nil }
            memberships.insert(OfficeMembership(office: office, role: role))
        }
        // The subject becomes a stored id: no control characters, spaces or overlong ones.
        guard !sub.value.isEmpty, sub.value.count <= 128,
            !sub.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace })
        else { return nil }
        return Actor(id: sub.value, memberships: memberships)
    }
}
