import Foundation
import JWTKit
import OversightDomain
import Testing
import _CryptoExtras

@testable import OversightServer

/// Token verification without a database: HS256 from the environment's secret, ES256 from an
/// identity provider's JWKS, and every way a token is refused.
struct TokenKeysTests {
    func keys(
        secret: String? = CaseAPIHarness.secret, jwks: String? = nil, audience: String? = nil, issuer: String? = nil, jwksPath: String? = nil
    ) async throws -> TokenKeys {
        var settings = ServiceSettings()
        settings.jwtSecret = secret
        settings.jwtAudience = audience
        settings.jwtIssuer = issuer
        if let jwks {
            let path = jwksPath ?? NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
            try jwks.write(toFile: path, atomically: true, encoding: .utf8)
            settings.jwksFile = path
        }
        return try await TokenKeys.resolve(settings, developmentSecretFile: nil, jwksCheckInterval: .zero)
    }

    @Test func mintedTokensMapToTheActor() async throws {
        let keys = try await keys()
        let token = try await keys.mint(subject: "oig-lead", name: "Lead", roles: ["OIG:lead", "HRM:staff"])
        let actor = try await keys.actor(from: token)
        #expect(actor.id == "oig-lead")
        #expect(actor.roles(in: OfficeCode("OIG")!) == [.lead])
        #expect(actor.roles(in: OfficeCode("HRM")!) == [.staff])
    }

    @Test func identityProviderTokensVerifyAgainstItsJWKS() async throws {
        let providerKey = ES256PrivateKey()
        let parameters = try #require(providerKey.publicKey.parameters)
        let jwks = """
            {"keys":[{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"idp-1","x":"\(parameters.x)","y":"\(parameters.y)"}]}
            """
        let provider = JWTKeyCollection()
        await provider.add(ecdsa: providerKey, kid: "idp-1")
        let claims = OversightClaims(subject: "eco-chen", name: nil, roles: ["ECO:officer"], expires: Date().addingTimeInterval(600))
        let token = try await provider.sign(claims, kid: "idp-1")

        let keys = try await keys(secret: nil, jwks: jwks)
        #expect(try await keys.actor(from: token).id == "eco-chen")
        // Only the identity provider issues tokens then: minting here is refused.
        #expect(!keys.canSign)
        await #expect(throws: TokenKeys.ConfigurationError.self) {
            try await keys.mint(subject: "x", name: nil, roles: ["HRM:staff"])
        }
        // A token from another key pair is refused.
        let impostor = JWTKeyCollection()
        await impostor.add(ecdsa: ES256PrivateKey(), kid: "idp-1")
        let forged = try await impostor.sign(claims, kid: "idp-1")
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: forged) }
    }

    @Test func expiredWronglySignedAndMalformedTokensAreRefused() async throws {
        let keys = try await keys()
        let signer = JWTKeyCollection()
        await signer.add(hmac: HMACKey(from: CaseAPIHarness.secret), digestAlgorithm: .sha256)
        let expired = try await signer.sign(OversightClaims(subject: "a", name: nil, roles: ["HRM:staff"], expires: Date().addingTimeInterval(-60)))
        await #expect(throws: AuthenticationFailure.expired) { try await keys.actor(from: expired) }

        let other = try await self.keys(secret: "another-secret-of-at-least-thirty-two-bytes")
        let wronglySigned = try await other.mint(subject: "a", name: nil, roles: ["HRM:staff"])
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: wronglySigned) }

        await #expect(throws: AuthenticationFailure.malformed) { try await keys.actor(from: "not.a.token") }
        let badRoles = try await signer.sign(OversightClaims(subject: "a", name: nil, roles: ["lead"], expires: Date().addingTimeInterval(60)))
        await #expect(throws: AuthenticationFailure.malformed) { try await keys.actor(from: badRoles) }
    }

    @Test func audienceIsCheckedWhenConfigured() async throws {
        let keys = try await keys(audience: "oversight")
        let withoutAudience = try await self.keys().mint(subject: "a", name: nil, roles: ["HRM:staff"])
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: withoutAudience) }
        // Tokens minted here name the configured audience.
        let minted = try await keys.mint(subject: "a", name: nil, roles: ["HRM:staff"])
        #expect(try await keys.actor(from: minted).id == "a")
    }

    @Test func shortSecretsAndMissingKeysAreConfigurationErrors() async throws {
        await #expect(throws: TokenKeys.ConfigurationError.self) { try await keys(secret: "short") }
        await #expect(throws: TokenKeys.ConfigurationError.self) { try await keys(secret: nil) }
    }

    @Test func developmentSecretIsKeptForTheNextStart() async throws {
        let path = NSTemporaryDirectory() + "dev-\(UUID().uuidString)/dev-jwt-secret"
        let first = try await TokenKeys.resolve(ServiceSettings(), developmentSecretFile: path)
        let token = try await first.mint(subject: "a", name: nil, roles: ["HRM:staff"])
        let second = try await TokenKeys.resolve(ServiceSettings(), developmentSecretFile: path)
        #expect(try await second.actor(from: token).id == "a")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

/// Tokens from the identity provider are checked like a bank would: issuer and audience
/// required, times within a bounded skew, each key bound to one algorithm before any token is
/// seen, withdrawn keys gone without a restart; the development secret for loopback only.
struct IdentityProviderTokenTests {
    static let issuer = "https://idp.example.org"
    static let audience = "oversight"

    func ecJWK(_ key: ES256PrivateKey, kid: String, alg: Bool = true) throws -> [String: String] {
        let parameters = try #require(key.publicKey.parameters)
        var jwk = ["kty": "EC", "crv": "P-256", "kid": kid, "x": parameters.x, "y": parameters.y]
        if alg { jwk["alg"] = "ES256" }
        return jwk
    }

    func jwks(_ keys: [[String: String]]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys]), as: UTF8.self)
    }

    func claims(
        _ subject: String = "eco-chen", issuer: String? = Self.issuer, audience: String? = Self.audience,
        expires: TimeInterval = 600, notBefore: TimeInterval? = nil, issuedAt: TimeInterval = 0
    ) -> OversightClaims {
        var claims = OversightClaims(
            subject: subject, name: nil, roles: ["ECO:officer"], expires: Date().addingTimeInterval(expires),
            issuedAt: Date().addingTimeInterval(issuedAt))
        claims.iss = issuer.map(IssuerClaim.init(value:))
        claims.aud = audience.map { AudienceClaim(value: [$0]) }
        claims.nbf = notBefore.map { NotBeforeClaim(value: Date().addingTimeInterval($0)) }
        return claims
    }

    func keys(_ jwks: String, path: String? = nil) async throws -> TokenKeys {
        try await TokenKeysTests().keys(secret: nil, jwks: jwks, audience: Self.audience, issuer: Self.issuer, jwksPath: path)
    }

    @Test func aJWKSRequiresIssuerAndAudienceSettings() throws {
        #expect(throws: SettingsError.self) {
            try ServiceSettings.load(environment: ["OVERSIGHT_JWKS_FILE": "/tmp/jwks.json", "OVERSIGHT_JWT_AUDIENCE": "x"])
        }
        do {
            _ = try ServiceSettings.load(environment: ["OVERSIGHT_JWKS_FILE": "/tmp/jwks.json"])
            Issue.record("a JWKS without issuer and audience was accepted")
        } catch {
            #expect(error.problems.contains { $0.contains("auth.issuer") })
            #expect(error.problems.contains { $0.contains("auth.audience") })
        }
    }

    @Test func everyTokenMustNameTheIssuerAndTheAudience() async throws {
        let key = ES256PrivateKey()
        let keys = try await keys(try jwks([try ecJWK(key, kid: "k1")]))
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
        #expect(try await keys.actor(from: try await signer.sign(claims(), kid: "k1")).id == "eco-chen")
        for (what, payload) in [
            ("no issuer", claims(issuer: nil)), ("another issuer", claims(issuer: "https://evil.example")),
            ("no audience", claims(audience: nil)), ("another audience", claims(audience: "payroll")),
        ] {
            let token = try await signer.sign(payload, kid: "k1")
            await #expect(throws: AuthenticationFailure.invalid, "\(what)") { try await keys.actor(from: token) }
        }
    }

    @Test func timesAreCheckedWithinTheClockSkew() async throws {
        let key = ES256PrivateKey()
        let keys = try await keys(try jwks([try ecJWK(key, kid: "k1")]))
        let signer = await JWTKeyCollection().add(ecdsa: key, kid: "k1")
        func verdict(_ payload: OversightClaims) async throws -> AuthenticationFailure? {
            let token = try await signer.sign(payload, kid: "k1")
            do {
                _ = try await keys.actor(from: token)
                return nil
            } catch {
                return error
            }
        }
        #expect(try await verdict(claims(notBefore: 30)) == nil)  // within the default 60 s
        #expect(try await verdict(claims(notBefore: 120)) == .invalid)
        #expect(try await verdict(claims(issuedAt: 120)) == .invalid)
        #expect(try await verdict(claims(issuedAt: 30)) == nil)
        #expect(try await verdict(claims(expires: -30)) == nil)
        #expect(try await verdict(claims(expires: -120)) == .expired)
    }

    @Test func aKeyWithoutAlgIsBoundBeforeAnyTokenIsSeen() async throws {
        let rsa = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let primitives = try rsa.publicKey.getKeyPrimitives()
        func base64URL(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        }
        let ec = ES256PrivateKey()
        let keys = try await keys(
            try jwks([
                ["kty": "RSA", "kid": "rsa", "n": base64URL(primitives.modulus), "e": base64URL(primitives.publicExponent)],
                try ecJWK(ec, kid: "ec", alg: false),
            ]))
        // A first request tries to pin the RSA key to PS256: refused, and nothing is pinned.
        let pss = await JWTKeyCollection().add(pss: rsa, digestAlgorithm: .sha256, kid: "rsa")
        let pssToken = try await pss.sign(claims(), kid: "rsa")
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: pssToken) }
        let pkcs = await JWTKeyCollection().add(rsa: rsa, digestAlgorithm: .sha256, kid: "rsa")
        #expect(try await keys.actor(from: try await pkcs.sign(claims(), kid: "rsa")).id == "eco-chen")
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: try await pss.sign(claims("other"), kid: "rsa")) }
        // The EC key without alg is bound to the one its curve allows.
        let ecSigner = await JWTKeyCollection().add(ecdsa: ec, kid: "ec")
        #expect(try await keys.actor(from: try await ecSigner.sign(claims(), kid: "ec")).id == "eco-chen")
        // A symmetric key in a JWKS is refused outright.
        await #expect(throws: TokenKeys.ConfigurationError.self) {
            try await self.keys(try self.jwks([["kty": "oct", "kid": "h", "k": "c2VjcmV0"]]))
        }
    }

    @Test func aWithdrawnKeyStopsWorkingWithoutARestart() async throws {
        let first = ES256PrivateKey()
        let second = ES256PrivateKey()
        let path = NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
        let keys = try await keys(try jwks([try ecJWK(first, kid: "k1"), try ecJWK(second, kid: "k2")]), path: path)
        let oldToken = try await JWTKeyCollection().add(ecdsa: first, kid: "k1").sign(claims(), kid: "k1")
        let newToken = try await JWTKeyCollection().add(ecdsa: second, kid: "k2").sign(claims(), kid: "k2")
        #expect(try await keys.actor(from: oldToken).id == "eco-chen")
        #expect(try await keys.actor(from: newToken).id == "eco-chen")
        // The provider rotates: k1 is withdrawn. Its token, verified and cached before, is refused.
        try (try jwks([try ecJWK(second, kid: "k2")])).write(toFile: path, atomically: true, encoding: .utf8)
        await #expect(throws: AuthenticationFailure.invalid) { try await keys.actor(from: oldToken) }
        #expect(try await keys.actor(from: newToken).id == "eco-chen")
    }

    @Test func theDevelopmentSecretIsForLoopbackAndItsOwnerOnly() async throws {
        let path = NSTemporaryDirectory() + "dev-\(UUID().uuidString)/dev-jwt-secret"
        var settings = ServiceSettings()
        settings.host = "0.0.0.0"
        await #expect(throws: TokenKeys.ConfigurationError.self) {
            try await TokenKeys.resolve(settings, developmentSecretFile: path, serving: true)
        }
        settings.host = "127.0.0.1"
        _ = try await TokenKeys.resolve(settings, developmentSecretFile: path, serving: true)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        await #expect(throws: TokenKeys.ConfigurationError.self) {
            try await TokenKeys.resolve(settings, developmentSecretFile: path, serving: true)
        }
    }
}

struct VerifiedTokensTests {
    @Test func rememberedTokensExpireAndTheCacheStaysBounded() throws {
        let cache = VerifiedTokens()
        let actor = Actor(id: "a", memberships: [])
        let now = Date()
        cache.remember("t1", actor: actor, until: now.addingTimeInterval(60))
        #expect(cache.actor(for: "t1", at: now) == actor)
        #expect(cache.actor(for: "t1", at: now.addingTimeInterval(61)) == nil)
        #expect(cache.actor(for: "t1", at: now) == nil)  // dropped once seen expired
        for index in 0...VerifiedTokens.capacity { cache.remember("token-\(index)", actor: actor, until: now.addingTimeInterval(60)) }
        #expect(cache.actor(for: "token-0", at: now) == nil)
        #expect(cache.actor(for: "token-\(VerifiedTokens.capacity)", at: now) == actor)
    }
}
