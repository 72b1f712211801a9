import Foundation
import JWTKit
import OversightDomain
@testable import OversightServer
import Testing

/// Token verification without a database: HS256 from the environment's secret, ES256 from an
/// identity provider's JWKS, and every way a token is refused.
struct TokenKeysTests {
    func keys(secret: String? = CaseAPIHarness.secret, jwks: String? = nil, audience: String? = nil) async throws -> TokenKeys {
        var settings = ServiceSettings()
        settings.jwtSecret = secret
        settings.jwtAudience = audience
        if let jwks {
            let path = NSTemporaryDirectory() + "jwks-\(UUID().uuidString).json"
            try jwks.write(toFile: path, atomically: true, encoding: .utf8)
            settings.jwksFile = path
        }
        return try await TokenKeys.resolve(settings, developmentSecretFile: nil)
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
