import Foundation
import JWTKit
import OversightDomain
import OversightStore

/// Why a bearer token was not accepted. Every case answers 401; the detail never echoes the
/// token.
public enum AuthenticationFailure: Error, Sendable, Equatable {
    case missing
    case malformed
    case invalid
    case expired
    case inQueryString
}

/// The keys tokens are verified (and, in development, signed) with: an HS256 secret from
/// `OVERSIGHT_JWT_SECRET` or the private database's development secret, and/or the public
/// keys of the organization's identity provider from a JWKS file (RS256, ES256, ...).
///
/// Every token must name the configured issuer and audience (both required with a JWKS), must
/// not be used before `nbf` or claim to be issued in the future (`iat`), and must not have
/// expired, each within the configured clock skew.
public struct TokenKeys: Sendable {
    public enum Source: Sendable, Equatable {
        case environmentSecret
        case developmentSecret(path: String)
        case jwks(path: String)
    }

    /// HS256 keys (nil without a secret).
    let hmac: JWTKeyCollection?
    let provider: IdentityProviderKeys?
    public let sources: [Source]
    let audience: String?
    let issuer: String?
    let clockSkew: TimeInterval
    /// Tokens already verified, until they expire: a client sends the same token with every
    /// request, and verifying it again each time cost more than the request's own work.
    let verified = VerifiedTokens()

    /// Whether tokens can be minted here (an HMAC secret is configured).
    public var canSign: Bool { hmac != nil }

    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Builds the key set from the settings. With neither a secret nor a JWKS file, and only
    /// for the private development database, a random secret is kept in `developmentSecretFile`
    /// so that `oversight token` and `oversight serve` agree. When `serving`, that development
    /// secret is refused unless the service listens on loopback only.
    public static func resolve(
        _ settings: ServiceSettings, developmentSecretFile: String?, serving: Bool = false,
        jwksCheckInterval: Duration = .seconds(1)
    ) async throws -> TokenKeys {
        var hmac: JWTKeyCollection?
        var provider: IdentityProviderKeys?
        var sources: [Source] = []
        if let secret = settings.jwtSecret {
            guard secret.utf8.count >= 32 else {
                throw ConfigurationError(description: "OVERSIGHT_JWT_SECRET must be at least 32 bytes")
            }
            hmac = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            sources.append(.environmentSecret)
        }
        if let path = settings.jwksFile {
            do {
                provider = try await IdentityProviderKeys(path: path, checkInterval: jwksCheckInterval)
            } catch let error as IdentityProviderKeys.LoadError {
                throw ConfigurationError(description: error.description)
            }
            sources.append(.jwks(path: path))
        }
        if sources.isEmpty {
            guard let developmentSecretFile else {
                throw ConfigurationError(description: "no token keys: set OVERSIGHT_JWT_SECRET or auth.jwks_file")
            }
            if serving, !isLoopback(settings.host) {
                throw ConfigurationError(
                    description:
                        "the development token secret is for a service on loopback only; server.host is \(settings.host): set auth.jwks_file (or OVERSIGHT_JWT_SECRET)"
                )
            }
            let secret = try developmentSecret(at: developmentSecretFile)
            hmac = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            sources.append(.developmentSecret(path: developmentSecretFile))
        }
        return TokenKeys(
            hmac: hmac, provider: provider, sources: sources, audience: settings.jwtAudience, issuer: settings.jwtIssuer,
            clockSkew: TimeInterval(settings.clockSkewSeconds))
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Reads the development secret, creating it (owner-only) on first use. A secret file that
    /// others can read is refused: anyone who reads it can mint any role.
    static func developmentSecret(at path: String, what: String = "the development token secret") throws -> String {
        do {
            if let existing = try OwnerOnlyFile.read(path, what: what), existing.utf8.count >= 32 { return existing }
        } catch {
            throw ConfigurationError(description: "\(error), or delete it to make a new one")
        }
        var generator = SystemRandomNumberGenerator()
        let secret = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try OwnerOnlyFile.create(path, contents: secret, what: what)
        return secret
    }

    /// The actor a bearer token stands for.
    public func actor(from token: String, at now: Date = Date()) async throws(AuthenticationFailure) -> Actor {
        let snapshot = await provider?.current()
        if let known = verified.actor(
            for: token, at: now,
            keyStillValid: { kid in
                guard let kid else { return true }
                return snapshot?.algorithms[kid] != nil
            })
        {
            return known
        }
        let header = try Self.header(of: token)
        let claims: OversightClaims
        var kid: String?
        do {
            if header.alg == "HS256" {
                guard let hmac else { throw AuthenticationFailure.invalid }
                claims = try await hmac.verify(token, as: OversightClaims.self)
            } else {
                // A provider's key is used only with the algorithm it is bound to.
                guard let snapshot, let name = header.kid ?? (snapshot.algorithms.count == 1 ? snapshot.algorithms.keys.first : nil),
                    snapshot.algorithms[name] == header.alg
                else { throw AuthenticationFailure.invalid }
                kid = name
                claims = try await snapshot.collection.verify(token, as: OversightClaims.self)
            }
        } catch let failure as AuthenticationFailure {
            throw failure
        } catch let error as JWTError where error.errorType == .malformedToken {
            throw .malformed
        } catch {
            throw .invalid
        }
        try check(claims, at: now)
        guard let actor = claims.actor else { throw .malformed }
        verified.remember(token, actor: actor, until: claims.exp.value.addingTimeInterval(clockSkew), kid: kid)
        return actor
    }

    /// Times within the skew, then who issued the token and for whom.
    func check(_ claims: OversightClaims, at now: Date) throws(AuthenticationFailure) {
        if claims.exp.value.addingTimeInterval(clockSkew) <= now { throw .expired }
        if let notBefore = claims.nbf?.value, notBefore > now.addingTimeInterval(clockSkew) { throw .invalid }
        if let issuedAt = claims.iat?.value, issuedAt > now.addingTimeInterval(clockSkew) { throw .invalid }
        if let issuer, claims.iss?.value != issuer { throw .invalid }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { throw .invalid }
    }

    struct Header: Decodable {
        let alg: String
        let kid: String?
    }

    static func header(of token: String) throws(AuthenticationFailure) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count <= 4096 else { throw .malformed }
        var base64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw .malformed
        }
        return header
    }

    /// Mints a token (development and tests), naming the configured issuer and audience.
    /// Refuses when only a JWKS is configured: the identity provider, not this service,
    /// issues production tokens.
    public func mint(subject: String, name: String?, roles: [String], lifetime: Duration = .seconds(8 * 3600)) async throws -> String {
        guard let hmac else {
            throw ConfigurationError(
                description: "only a JWKS is configured: tokens come from the identity provider; set OVERSIGHT_JWT_SECRET to mint development tokens")
        }
        var claims = OversightClaims(
            subject: subject, name: name, roles: roles,
            expires: Date().addingTimeInterval(Double(lifetime.components.seconds)))
        claims.iss = issuer.map(IssuerClaim.init(value:))
        claims.aud = audience.map { AudienceClaim(value: [$0]) }
        guard claims.actor != nil else {
            throw ConfigurationError(
                description:
                    "every role must be OFFICE:role with role one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), and the subject an id without spaces"
            )
        }
        return try await hmac.sign(claims)
    }
}
