import Foundation
import JWTKit
import OversightDomain
import Synchronization

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
/// `OVERSIGHT_JWT_SECRET`, and/or the public keys of the organization's identity provider
/// from a JWKS file (RS256, ES256).
public struct TokenKeys: Sendable {
    public enum Source: Sendable, Equatable {
        case environmentSecret
        case developmentSecret(path: String)
        case jwks(path: String)
    }

    let keys: JWTKeyCollection
    public let sources: [Source]
    let audience: String?
    /// Tokens already verified, until they expire: a client sends the same token with every
    /// request, and verifying it again each time cost more than the request's own work.
    let verified = VerifiedTokens()

    /// Whether tokens can be minted here (an HMAC secret is configured).
    public var canSign: Bool {
        sources.contains { if case .jwks = $0 { false } else { true } }
    }

    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Builds the key set from the settings. With neither a secret nor a JWKS file, and only
    /// for the private development database, a random secret is kept in `developmentSecretFile`
    /// so that `oversight token` and `oversight serve` agree.
    public static func resolve(_ settings: ServiceSettings, developmentSecretFile: String?) async throws -> TokenKeys {
        let keys = JWTKeyCollection()
        var sources: [Source] = []
        if let secret = settings.jwtSecret {
            guard secret.utf8.count >= 32 else {
                throw ConfigurationError(description: "OVERSIGHT_JWT_SECRET must be at least 32 bytes")
            }
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            sources.append(.environmentSecret)
        }
        if let path = settings.jwksFile {
            let json: String
            do {
                json = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(description: "auth.jwks_file \(path) cannot be read")
            }
            do {
                try await keys.add(jwksJSON: json)
            } catch {
                throw ConfigurationError(description: "auth.jwks_file \(path) is not a valid JWKS: \(error)")
            }
            sources.append(.jwks(path: path))
        }
        if sources.isEmpty {
            guard let developmentSecretFile else {
                throw ConfigurationError(description: "no token keys: set OVERSIGHT_JWT_SECRET or auth.jwks_file")
            }
            let secret = try developmentSecret(at: developmentSecretFile)
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            sources.append(.developmentSecret(path: developmentSecretFile))
        }
        return TokenKeys(keys: keys, sources: sources, audience: settings.jwtAudience)
    }

    /// Reads the development secret, creating it (owner-only) on first use.
    static func developmentSecret(at path: String) throws -> String {
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.utf8.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = bytes.map { String(format: "%02x", $0) }.joined()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError(description: "cannot write the development token secret to \(path)")
        }
        return secret
    }

    /// The actor a bearer token stands for.
    public func actor(from token: String) async throws(AuthenticationFailure) -> Actor {
        if let known = verified.actor(for: token, at: Date()) { return known }
        let claims: OversightClaims
        do {
            claims = try await keys.verify(token, as: OversightClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw .expired
        } catch let error as JWTError where error.errorType == .malformedToken {
            throw .malformed
        } catch {
            throw .invalid
        }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { throw .invalid }
        guard let actor = claims.actor else { throw .malformed }
        verified.remember(token, actor: actor, until: claims.exp.value)
        return actor
    }

    /// Mints a token (development and tests). Refuses when only a JWKS is configured: the
    /// identity provider, not this service, issues production tokens.
    public func mint(subject: String, name: String?, roles: [String], lifetime: Duration = .seconds(8 * 3600)) async throws -> String {
        guard canSign else {
            throw ConfigurationError(description: "only a JWKS is configured: tokens come from the identity provider; set OVERSIGHT_JWT_SECRET to mint development tokens")
        }
        let claims = OversightClaims(subject: subject, name: name, roles: roles,
                                     expires: Date().addingTimeInterval(Double(lifetime.components.seconds)))
        guard claims.actor != nil else {
            throw ConfigurationError(description: "every role must be OFFICE:role with role one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try await keys.sign(claims)
    }
}

/// A bounded map from verified token to its actor and expiry. Emptied when full rather than
/// kept in LRU order: refilling costs one verification per active client.
final class VerifiedTokens: Sendable {
    private let entries = Mutex<[String: (actor: Actor, expires: Date)]>([:])
    static let capacity = 10_000

    func actor(for token: String, at now: Date) -> Actor? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.actor
        }
    }

    func remember(_ token: String, actor: Actor, until expires: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = (actor, expires)
        }
    }
}
