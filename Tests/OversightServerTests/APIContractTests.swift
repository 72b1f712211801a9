import Crypto
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
    /// Asserts the status, the problem+json content type, and the decoded problem's type
    /// (and that the body's `status` member agrees with the response's).
    func expectProblem(
        _ reply: CaseAPIHarness.Reply, _ status: HTTPResponse.Status, _ type: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(reply.status == status, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try reply.decode(APIBody.Problem.self)
        #expect(problem.type == type, sourceLocation: sourceLocation)
        #expect(problem.status == Int(status.code), sourceLocation: sourceLocation)
        #expect(problem.requestId != nil, "every problem names its request, for support", sourceLocation: sourceLocation)
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
            let live = try HandMadeToken.make(
                claims: ["sub": "hr-fatima", "exp": now + 3600, "roles": ["HRM:staff"]],
                secret: CaseAPIHarness.secret)
            // The control proves the hand-made signature is right, so the refusal below is the expiry.
            #expect(try await api.call(.get, "/v1/workflows", token: live).status == .ok)

            let expired = try HandMadeToken.make(
                claims: ["sub": "hr-fatima", "exp": now - 3600, "roles": ["HRM:staff"]],
                secret: CaseAPIHarness.secret)
            let reply = try await api.call(.get, "/v1/workflows", token: expired)
            try expectUnauthenticated(reply)
            #expect(try reply.decode(APIBody.Problem.self).detail == "the bearer token has expired")
        }
    }

    @Test func handMadeTokensThatAreUnsignedOrNameNoValidRoleAreRefused() async throws {
        try await CaseAPIHarness.run { api in
            let live = Int(Date().timeIntervalSince1970) + 3600
            let badRole = try HandMadeToken.make(
                claims: ["sub": "hr-fatima", "exp": live, "roles": ["HRM:boss"]],
                secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: badRole))
            let noSubject = try HandMadeToken.make(claims: ["sub": "", "exp": live, "roles": ["HRM:staff"]], secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: noSubject))
            let noExpiry = try HandMadeToken.make(claims: ["sub": "hr-fatima", "roles": ["HRM:staff"]], secret: CaseAPIHarness.secret)
            try expectUnauthenticated(try await api.call(.get, "/v1/workflows", token: noExpiry))
            // "alg": "none" with no signature: the oldest JWT forgery.
            let header = HandMadeToken.base64URL(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let payload = HandMadeToken.base64URL(
                Array(
                    try JSONSerialization.data(
                        withJSONObject: [
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
            try expectProblem(
                try await api.call(.post, "/v1/cases", token: staff, body: Self.filing, headers: [.contentType: "text/plain"]),
                .unsupportedMediaType, "/problems/unsupported-media-type")
            // A parameter on the JSON media type is fine.
            let withCharset = try await api.call(
                .post, "/v1/cases", token: staff, body: Self.filing,
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
            #expect(try unknown.decode(APIBody.Problem.self).detail?.contains("\"office\"") == true)

            try expectProblem(
                try await raw(api, .post, "/v1/cases", token: staff, body: #"{"category": "fraud", "title": "#),
                .badRequest, "/problems/bad-request")
            try expectProblem(try await raw(api, .post, "/v1/cases", token: staff, body: #"["fraud"]"#), .badRequest, "/problems/bad-request")

            var missing = Self.filing
            missing["narrative"] = nil
            let missingReply = try await api.call(.post, "/v1/cases", token: staff, body: missing)
            try expectProblem(missingReply, .badRequest, "/problems/bad-request")
            #expect(try missingReply.decode(APIBody.Problem.self).detail?.contains("\"narrative\"") == true)

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

            let stale = try await api.call(
                .post, path, token: lead, body: ["transition": "begin_assessment"],
                headers: [.ifMatch: "\"\(version + 7)\""])
            try expectProblem(stale, .preconditionFailed, "/problems/stale-version")

            try expectProblem(
                try await api.transition(reference, "close_unsubstantiated", token: head, note: "nothing there"),
                .conflict, "/problems/transition-wrong-state")
            try expectProblem(
                try await api.transition(reference, "teleport", token: lead),
                .unprocessableContent, "/problems/transition-unknown-transition")
            // The assignee may work the case but not take the lead's step.
            try expectProblem(
                try await api.transition(reference, "begin_assessment", token: assignee),
                .conflict, "/problems/transition-role-not-allowed")
            // Refusals change nothing.
            #expect(try await Self.version(api, reference, lead) == version)

            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            try expectProblem(
                try await api.transition(reference, "open_investigation", token: lead),
                .unprocessableContent, "/problems/transition-missing-field")
            #expect(try await api.transition(reference, "open_investigation", token: lead, note: "credible").status == .ok)
        }
    }

    /// The case's version, from the body of a GET, checked against its ETag.
    static func version(_ api: CaseAPIHarness, _ reference: String, _ token: String) async throws -> Int {
        let reply = try await api.call(.get, "/v1/cases/\(reference)", token: token)
        let version = try reply.decode(APIBody.Case.self).version
        #expect(reply.etag == "\"\(version)\"")
        return version
    }

    @Test func theETagIsTheVersionAndASuccessfulTransitionIncrementsIt() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            let before = try await api.call(.get, "/v1/cases/\(reference)", token: lead)
            let version = try before.decode(APIBody.Case.self).version
            #expect(before.etag == "\"\(version)\"")

            let moved = try await api.call(
                .post, "/v1/cases/\(reference)/transitions", token: lead, body: ["transition": "begin_assessment"],
                headers: [.ifMatch: "\"\(version)\""])
            #expect(moved.status == .ok)
            #expect(moved.etag == "\"\(version + 1)\"")
            #expect(try moved.decode(APIBody.Case.self).version == version + 1)
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).etag == "\"\(version + 1)\"")

            // The old ETag is now stale.
            let replay = try await api.call(
                .post, "/v1/cases/\(reference)/transitions", token: lead,
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
            let reference = try first.decode(APIBody.Filing.self).reference
            #expect(try retry.decode(APIBody.Filing.self).reference == reference)
            #expect(retry.headers[.location] == "/v1/cases/\(reference)")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)

            var changed = Self.filing
            changed["title"] = "Invoices paid three times"
            try expectProblem(
                try await api.call(.post, "/v1/cases", token: fatima, body: changed, headers: key),
                .unprocessableContent, "/problems/idempotency-key-reused")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)

            // Keys are scoped to the caller: another person's same key is another request.
            let other = try await api.call(.post, "/v1/cases", token: gus, body: Self.filing, headers: key)
            #expect(other.status == .created)
            #expect(try other.decode(APIBody.Filing.self).reference != reference)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 2)

            try expectProblem(
                try await api.call(.post, "/v1/cases", token: fatima, body: Self.filing, headers: [Self.idempotencyKey: ""]),
                .badRequest, "/problems/bad-request")
            try expectProblem(
                try await api.call(
                    .post, "/v1/cases", token: fatima, body: Self.filing,
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
                        let reply = try await api.call(
                            .post, "/v1/cases", token: staff, body: Self.filing,
                            headers: [Self.idempotencyKey: "same-key"])
                        #expect(reply.status == .created)
                        return try reply.decode(APIBody.Filing.self).reference
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
            #expect(try own.decode(APIBody.CaseList.self).references == [reference])
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
    /// minting refuses to make (an expired one, one without expiry, `alg: none`).
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
            Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        }
    }
}

extension APIContractTests {
    /// Every response body comes out of the one encoder: snake_case keys however the Swift
    /// property is spelled (`filedBy`, `availableTransitions`, `prevHash`, `requestId`).
    @Test func everyResponseKeyIsSnakeCase() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff, subjects: ["fin-gus"])
            _ = try await api.call(.post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "noted"])
            var keys: Set<String> = []
            func collect(_ value: Any, skippingValuesOf opaque: Set<String>) {
                if let object = value as? [String: Any] {
                    for (key, member) in object {
                        keys.insert(key)
                        if !opaque.contains(key) { collect(member, skippingValuesOf: opaque) }
                    }
                } else if let array = value as? [Any] {
                    for element in array { collect(element, skippingValuesOf: opaque) }
                }
            }
            for path in ["", "/events", "/parties", "/comments"] {
                let reply = try await api.call(.get, "/v1/cases/\(reference)\(path)", token: lead)
                #expect(reply.status == .ok)
                // An event's `data` holds the workflow's own field names, as recorded.
                collect(try JSONSerialization.jsonObject(with: reply.body), skippingValuesOf: ["data"])
            }
            collect(try JSONSerialization.jsonObject(with: try await api.call(.get, "/v1/cases/NOPE", token: lead).body), skippingValuesOf: [])
            #expect(keys.isSuperset(of: ["filed_by", "available_transitions", "prev_hash", "person_id", "added_at", "request_id"]))
            let notSnakeCase = keys.filter { key in !key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }
            #expect(notSnakeCase.isEmpty, "\(notSnakeCase.sorted())")
        }
    }
}
