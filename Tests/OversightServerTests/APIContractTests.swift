import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OversightServer
import PostgresClient
import PostgresTestSupport
import Testing

/// The HTTP contract of `/v1` as a client sees it: status codes, problem types, headers.
/// Every refusal is an RFC 9457 problem whose `type` a client can match on.
@Suite(.temporaryPostgres)
struct APIContractTests {
    /// The members of a problem body the tests read.
    struct ProblemBody: Decodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
    }

    /// Asserts the status, the problem+json content type, and the decoded problem's type
    /// (and that the body's `status` member agrees with the response's).
    func expectProblem(
        _ reply: CaseAPIHarness.Reply, _ status: HTTPResponse.Status, _ type: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(reply.status == status, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try JSONDecoder().decode(ProblemBody.self, from: reply.body)
        #expect(problem.type == type, sourceLocation: sourceLocation)
        #expect(problem.status == Int(status.code), sourceLocation: sourceLocation)
    }

    /// A 401 also tells the client how to authenticate.
    func expectUnauthenticated(_ reply: CaseAPIHarness.Reply, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectProblem(reply, .unauthorized, "/problems/unauthenticated", sourceLocation: sourceLocation)
        #expect(reply.headers[.wwwAuthenticate] == "Bearer", sourceLocation: sourceLocation)
    }

    /// A request with a body sent exactly as given (malformed JSON cannot go through `call`).
    func raw(
        _ api: CaseAPIHarness, _ method: HTTPRequest.Method, _ path: String, token: String, body: String,
        contentType: String = "application/json"
    ) async throws -> CaseAPIHarness.Reply {
        let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: contentType]
        return try await api.client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
            CaseAPIHarness.Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    static var filing: [String: Any] {
        ["category": "fraud", "title": "Invoices paid twice", "narrative": "Two payments for one delivery.", "subjects": ["fin-gus"]]
    }

    // MARK: - Authentication

    @Test func requestsWithoutAValidBearerTokenAreRefusedWith401() async throws {
        try await CaseAPIHarness.run { api in
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: nil))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: "garbage"))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: "not.a.token"))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: nil, headers: [.authorization: "Bearer"]))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: nil, headers: [.authorization: "Basic abc"]))

            var settings = ServiceSettings()
            settings.jwtSecret = "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
            let otherKeys = try await TokenKeys.resolve(settings, developmentSecretFile: nil)
            let forged = try await otherKeys.mint(subject: "hr-fatima", name: nil, roles: ["HRM:staff"])
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: forged))

            // The control: the same request with a token of the service's own key is served.
            let valid = try await api.token("hr-fatima", "HRM:staff")
            #expect(try await api.call(.get, "/v1/workflows", token: valid).status == .ok)
        }
    }

    @Test func anExpiredTokenIsRefusedWith401() async throws {
        // JWTKit is not a dependency of this target and TokenKeys mints only live tokens, so
        // the token is built by hand: HS256 over "header.payload" with the harness's secret.
        try await CaseAPIHarness.run { api in
            let now = Int(Date().timeIntervalSince1970)
            let live = try HandMadeToken.make(claims: ["sub": "hr-fatima", "exp": now + 3600, "roles": ["HRM:staff"]],
                                              secret: CaseAPIHarness.secret)
            // The control proves the hand-made signature is right, so the refusal below is the expiry.
            #expect(try await api.call(.get, "/v1/workflows", token: live).status == .ok)

            let expired = try HandMadeToken.make(claims: ["sub": "hr-fatima", "exp": now - 3600, "roles": ["HRM:staff"]],
                                                 secret: CaseAPIHarness.secret)
            let reply = try await api.call(.get, "/v1/workflows", token: expired)
            try expectUnauthenticated(reply)
            #expect(try JSONDecoder().decode(ProblemBody.self, from: reply.body).detail == "the bearer token has expired")
        }
    }

    @Test func handMadeTokensThatAreUnsignedOrNameNoValidRoleAreRefused() async throws {
        try await CaseAPIHarness.run { api in
            let live = Int(Date().timeIntervalSince1970) + 3600
            let badRole = try HandMadeToken.make(claims: ["sub": "hr-fatima", "exp": live, "roles": ["HRM:boss"]],
                                                 secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: badRole))
            let noSubject = try HandMadeToken.make(claims: ["sub": "", "exp": live, "roles": ["HRM:staff"]], secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: noSubject))
            let noExpiry = try HandMadeToken.make(claims: ["sub": "hr-fatima", "roles": ["HRM:staff"]], secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: noExpiry))
            // "alg": "none" with no signature: the oldest JWT forgery.
            let header = HandMadeToken.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let payload = HandMadeToken.base64URL(Array(try JSONSerialization.data(withJSONObject: [
                "sub": "ig", "exp": live, "roles": ["OIG:head"],
            ] as [String: Any])))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: header + "." + payload + "."))
        }
    }

    @Test func aTokenInTheQueryStringIsRefusedEvenWithAValidHeader() async throws {
        try await CaseAPIHarness.run { api in
            let valid = try await api.token("hr-fatima", "HRM:staff")
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows?access_token=\(valid)", token: valid))
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows?access_token=\(valid)", token: nil))
            try expectUnauthenticated(try await api.call(.get, "/v1/cases?filed_by=me&token=\(valid)", token: valid))
        }
    }

    @Test func handMadeSHA256MatchesTheStandardVectors() {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(HandMadeToken.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(HandMadeToken.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // RFC 4231 test case 2.
        #expect(hex(HandMadeToken.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    // MARK: - Request bodies

    @Test func aBodyOver1MBIsRefusedWith413() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            var body = Self.filing
            body["narrative"] = String(repeating: "x", count: 1_100_000)
            try expectProblem(try await api.call(.post, "/v1/cases", token: staff, body: body), .contentTooLarge, "/problems/payload-too-large")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
        }
    }

    @Test func aBodyThatIsNotJSONIsRefusedWith415() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            try expectProblem(try await api.call(.post, "/v1/cases", token: staff, body: Self.filing, headers: [.contentType: "text/plain"]),
                              .unsupportedMediaType, "/problems/unsupported-media-type")
            // A parameter on the JSON media type is fine.
            let withCharset = try await api.call(.post, "/v1/cases", token: staff, body: Self.filing,
                                                 headers: [.contentType: "application/json; charset=utf-8"])
            #expect(withCharset.status == .created)
        }
    }

    @Test func unknownMalformedAndMissingFieldsAreRefusedWith400() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            // The filer chooses what happened, never the office.
            var choosingOffice = Self.filing
            choosingOffice["office"] = "OIG"
            let unknown = try await api.call(.post, "/v1/cases", token: staff, body: choosingOffice)
            try expectProblem(unknown, .badRequest, "/problems/unknown-field")
            #expect(try JSONDecoder().decode(ProblemBody.self, from: unknown.body).detail?.contains("\"office\"") == true)

            try expectProblem(try await raw(api, .post, "/v1/cases", token: staff, body: #"{"category": "fraud", "title": "#),
                              .badRequest, "/problems/bad-request")
            try expectProblem(try await raw(api, .post, "/v1/cases", token: staff, body: #"["fraud"]"#), .badRequest, "/problems/bad-request")

            var missing = Self.filing
            missing["narrative"] = nil
            let missingReply = try await api.call(.post, "/v1/cases", token: staff, body: missing)
            try expectProblem(missingReply, .badRequest, "/problems/bad-request")
            #expect(try JSONDecoder().decode(ProblemBody.self, from: missingReply.body).detail?.contains("\"narrative\"") == true)

            var mistyped = Self.filing
            mistyped["title"] = 5
            try expectProblem(try await api.call(.post, "/v1/cases", token: staff, body: mistyped), .badRequest, "/problems/bad-request")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
        }
    }

    // MARK: - Routing

    @Test func otherMethodsOnAKnownPathGet405WithAllow() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)

            let delete = try await api.call(.delete, "/v1/cases/\(reference)", token: staff)
            try expectProblem(delete, .methodNotAllowed, "/problems/method-not-allowed")
            #expect(Self.methods(delete.headers[.allow]) == ["GET"])

            let put = try await api.call(.put, "/v1/cases", token: staff, body: Self.filing)
            try expectProblem(put, .methodNotAllowed, "/problems/method-not-allowed")
            #expect(Self.methods(put.headers[.allow]) == ["GET", "POST"])

            // The case is untouched.
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: staff).status == .ok)
        }
    }

    static func methods(_ allow: String?) -> Set<String> {
        Set((allow ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    @Test func anUnknownPathIs404() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            try expectProblem(try await api.call(.get, "/v1/nothing-here", token: staff), .notFound, "/problems/not-found")
            try expectProblem(try await api.call(.get, "/nothing-here", token: nil), .notFound, "/problems/not-found")
            // A well-formed reference to no case, and a malformed one, answer alike.
            try expectProblem(try await api.call(.get, "/v1/cases/OIG-2026-9999", token: staff), .notFound, "/problems/not-found")
            try expectProblem(try await api.call(.get, "/v1/cases/not-a-reference", token: staff), .notFound, "/problems/not-found")
        }
    }

    // MARK: - Transitions

    @Test func transitionsNeedTheCurrentETagAndNameTheEnginesReason() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let assignee = try await api.token("inv-amara", "OIG:officer")
            let reference = try await api.file(staff)
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let path = "/v1/cases/\(reference)/transitions"
            let version = try await Self.version(api, reference, lead)

            let noIfMatch = try await api.call(.post, path, token: lead, body: ["transition": "begin_assessment"])
            try expectProblem(noIfMatch, .preconditionRequired, "/problems/precondition-required")

            let stale = try await api.call(.post, path, token: lead, body: ["transition": "begin_assessment"],
                                           headers: [.ifMatch: "\"\(version + 7)\""])
            try expectProblem(stale, .preconditionFailed, "/problems/stale-version")

            try expectProblem(try await api.transition(reference, "close_unsubstantiated", token: head, note: "nothing there"),
                              .conflict, "/problems/transition-wrong-state")
            try expectProblem(try await api.transition(reference, "teleport", token: lead),
                              .unprocessableContent, "/problems/transition-unknown-transition")
            // The assignee may work the case but not take the lead's step.
            try expectProblem(try await api.transition(reference, "begin_assessment", token: assignee),
                              .conflict, "/problems/transition-role-not-allowed")
            // Refusals change nothing.
            #expect(try await Self.version(api, reference, lead) == version)

            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            try expectProblem(try await api.transition(reference, "open_investigation", token: lead),
                              .unprocessableContent, "/problems/transition-missing-field")
            #expect(try await api.transition(reference, "open_investigation", token: lead, note: "credible").status == .ok)
        }
    }

    /// The case's version, from the body of a GET, checked against its ETag.
    static func version(_ api: CaseAPIHarness, _ reference: String, _ token: String) async throws -> Int {
        let reply = try await api.call(.get, "/v1/cases/\(reference)", token: token)
        let version = try #require(try reply.json()["version"] as? Int)
        #expect(reply.etag == "\"\(version)\"")
        return version
    }

    @Test func theETagIsTheVersionAndASuccessfulTransitionIncrementsIt() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            let before = try await api.call(.get, "/v1/cases/\(reference)", token: lead)
            let version = try #require(try before.json()["version"] as? Int)
            #expect(before.etag == "\"\(version)\"")

            let moved = try await api.call(.post, "/v1/cases/\(reference)/transitions", token: lead, body: ["transition": "begin_assessment"],
                                           headers: [.ifMatch: "\"\(version)\""])
            #expect(moved.status == .ok)
            #expect(moved.etag == "\"\(version + 1)\"")
            #expect(try moved.json()["version"] as? Int == version + 1)
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).etag == "\"\(version + 1)\"")

            // The old ETag is now stale.
            let replay = try await api.call(.post, "/v1/cases/\(reference)/transitions", token: lead,
                                            body: ["transition": "start_rapid_assessment", "note": "quick look"],
                                            headers: [.ifMatch: "\"\(version)\""])
            try expectProblem(replay, .preconditionFailed, "/problems/stale-version")
        }
    }

    // MARK: - Filing

    @Test func anIdempotencyKeyReplaysTheFirstFilingForItsCallerOnly() async throws {
        try await CaseAPIHarness.run { api in
            let fatima = try await api.token("hr-fatima", "HRM:staff")
            let gus = try await api.token("fin-gus", "FIN:staff")
            let key: HTTPFields = [Self.idempotencyKey: "k-0001"]

            let first = try await api.call(.post, "/v1/cases", token: fatima, body: Self.filing, headers: key)
            let retry = try await api.call(.post, "/v1/cases", token: fatima, body: Self.filing, headers: key)
            #expect(first.status == .created)
            #expect(retry.status == .created)
            let reference = try #require(try first.json()["reference"] as? String)
            #expect(try retry.json()["reference"] as? String == reference)
            #expect(retry.headers[.location] == "/v1/cases/\(reference)")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)

            var changed = Self.filing
            changed["title"] = "Invoices paid three times"
            try expectProblem(try await api.call(.post, "/v1/cases", token: fatima, body: changed, headers: key),
                              .unprocessableContent, "/problems/idempotency-key-reused")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)

            // Keys are scoped to the caller: another person's same key is another request.
            let other = try await api.call(.post, "/v1/cases", token: gus, body: Self.filing, headers: key)
            #expect(other.status == .created)
            #expect(try other.json()["reference"] as? String != reference)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 2)

            try expectProblem(try await api.call(.post, "/v1/cases", token: fatima, body: Self.filing, headers: [Self.idempotencyKey: ""]),
                              .badRequest, "/problems/bad-request")
            try expectProblem(try await api.call(.post, "/v1/cases", token: fatima, body: Self.filing,
                                                 headers: [Self.idempotencyKey: String(repeating: "k", count: 201)]),
                              .badRequest, "/problems/bad-request")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 2)
        }
    }

    @Test func concurrentRetriesWithOneKeyFileOneCase() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let references = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let reply = try await api.call(.post, "/v1/cases", token: staff, body: Self.filing,
                                                       headers: [Self.idempotencyKey: "same-key"])
                        #expect(reply.status == .created)
                        return try reply.json()["reference"] as? String
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(references.count == 6)
            #expect(Set(references).count == 1)
            #expect(references.first.flatMap { $0 } != nil)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
        }
    }

    @Test func anUnknownCategoryIs422() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            var body = Self.filing
            body["category"] = "jaywalking"
            try expectProblem(try await api.call(.post, "/v1/cases", token: staff, body: body), .unprocessableContent, "/problems/unknown-category")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
        }
    }

    @Test func listingCasesNeedsFiledByMe() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)
            try expectProblem(try await api.call(.get, "/v1/cases", token: staff), .badRequest, "/problems/bad-request")
            try expectProblem(try await api.call(.get, "/v1/cases?filed_by=someone", token: staff), .badRequest, "/problems/bad-request")
            let own = try await api.call(.get, "/v1/cases?filed_by=me", token: staff)
            #expect(own.status == .ok)
            let cases = try #require(try own.json()["cases"] as? [[String: Any]])
            #expect(cases.map { $0["reference"] as? String } == [reference])
        }
    }

    // MARK: - Documents

    @Test func theOpenAPIDocumentIsServed() async throws {
        try await CaseAPIHarness.run { api in
            let reply = try await api.call(.get, "/openapi.yaml", token: nil)
            #expect(reply.status == .ok)
            #expect(String(decoding: reply.body, as: UTF8.self).hasPrefix("openapi: 3.1"))
        }
    }

    struct WorkflowList: Decodable {
        struct Summary: Decodable {
            let kind: String
            let office: String
        }
        let items: [Summary]
    }

    struct WorkflowDetail: Decodable {
        struct State: Decodable {
            let name: String
        }
        let kind: String
        let states: [State]
    }

    @Test func workflowsAreListedAndDescribed() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let list = try await api.call(.get, "/v1/workflows", token: staff)
            #expect(list.status == .ok)
            let kinds = try JSONDecoder().decode(WorkflowList.self, from: list.body).items.map(\.kind)
            #expect(kinds.contains("investigation"))
            #expect(kinds.contains("ombuds_case"))
            #expect(kinds == kinds.sorted())

            let detail = try await api.call(.get, "/v1/workflows/retaliation_review", token: staff)
            #expect(detail.status == .ok)
            let workflow = try JSONDecoder().decode(WorkflowDetail.self, from: detail.body)
            #expect(workflow.kind == "retaliation_review")
            #expect(workflow.states.map(\.name).contains("prima_facie_found"))

            try expectProblem(try await api.call(.get, "/v1/workflows/nope", token: staff), .notFound, "/problems/not-found")
        }
    }
}

extension APIContractTests {
    /// An HS256 JWT built by hand (header, payload, HMAC-SHA256), for tokens the service's own
    /// minting refuses to make (an expired one). SHA-256 per FIPS 180-4, HMAC per RFC 2104.
    enum HandMadeToken {
        static func make(claims: [String: Any], secret: String) throws -> String {
            let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
            let payload = base64URL(Array(try JSONSerialization.data(withJSONObject: claims)))
            let signingInput = header + "." + payload
            return signingInput + "." + base64URL(hmac(key: Array(secret.utf8), message: Array(signingInput.utf8)))
        }

        static func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
            var block = key.count > 64 ? sha256(key) : key
            block += [UInt8](repeating: 0, count: 64 - block.count)
            return sha256(block.map { $0 ^ 0x5c } + sha256(block.map { $0 ^ 0x36 } + message))
        }

        private static let roundConstants: [UInt32] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ]

        private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

        static func sha256(_ message: [UInt8]) -> [UInt8] {
            var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
            var data = message
            let bits = UInt64(message.count) * 8
            data.append(0x80)
            while data.count % 64 != 56 { data.append(0) }
            for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            var w = [UInt32](repeating: 0, count: 64)
            for chunk in stride(from: 0, to: data.count, by: 64) {
                for i in 0..<16 {
                    let j = chunk + 4 * i
                    w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
                }
                for i in 16..<64 {
                    let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                    let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                    w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                }
                var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
                for i in 0..<64 {
                    let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ roundConstants[i] &+ w[i]
                    let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
                for (i, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ value }
            }
            return h.flatMap { word in stride(from: 24, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
        }
    }
}
