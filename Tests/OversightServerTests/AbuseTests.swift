import Foundation
import HTTPTypes
import JWTKit
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Bad input and abuse: every malformed value is a 400 problem naming the field (never a 500),
/// lists come in pages, filing is rate-limited, and nobody learns that a case exists, or where
/// it went, from its reference.
@Suite(.temporaryPostgres)
struct AbuseTests {
    static var filing: [String: Any] { ["category": "fraud", "title": "Invoices paid twice", "narrative": "Two payments.", "region": "Europe"] }

    func with(_ changes: [String: Any]) -> [String: Any] {
        Self.filing.merging(changes) { _, new in new }
    }

    @Test func malformedValuesAreBadRequestsNeverServerErrors() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let bodies: [(String, [String: Any])] = [
                ("NUL in the title", with(["title": "Invoices\u{0}paid"])),
                ("NUL in the narrative", with(["narrative": "a\u{0}b"])),
                ("an over-long title", with(["title": String(repeating: "t", count: 301)])),
                ("an over-long narrative", with(["narrative": String(repeating: "n", count: 20_001)])),
                ("an empty title", with(["title": "   "])),
                ("an empty subject id", with(["subjects": [""]])),
                ("a subject id with a NUL", with(["subjects": ["fin\u{0}gus"]])),
                ("too many subjects", with(["subjects": (0..<21).map { "person-\($0)" }])),
                ("an empty category", with(["category": ""])),
                ("an over-long region", with(["region": String(repeating: "r", count: 101)])),
            ]
            for (what, body) in bodies {
                let reply = try await api.call(.post, "/v1/cases", token: staff, body: body)
                #expect(reply.status == .badRequest, "\(what): \(reply.status.code) \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.problemType == "/problems/bad-request", "\(what)")
            }
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)

            let reference = try await api.file(staff)
            let nulKey = try await api.call(
                .post, "/v1/cases", token: staff, body: Self.filing,
                headers: [HTTPField.Name("Idempotency-Key")!: "key one"])
            #expect(nulKey.status == .badRequest)
            let writes: [(String, String, [String: Any])] = [
                ("a comment with a NUL", "/comments", ["body": "a\u{0}b", "visibility": "internal"]),
                ("an empty party id", "/parties", ["person_id": "", "role": "witness"]),
                ("an assignee with a NUL", "/assignment", ["assignee": "inv\u{0}amara"]),
                (
                    "too many fields", "/transitions",
                    [
                        "transition": "begin_assessment",
                        "fields": Dictionary(uniqueKeysWithValues: (0..<51).map { ("f\($0)", "v") }),
                    ]
                ),
                ("a field with a NUL", "/transitions", ["transition": "begin_assessment", "fields": ["note": "a\u{0}b"]]),
            ]
            for (what, suffix, body) in writes {
                let reply = try await api.call(.post, "/v1/cases/\(reference)\(suffix)", token: lead, body: body, headers: [.ifMatch: "\"1\""])
                #expect(reply.status == .badRequest, "\(what): \(reply.status.code) \(String(decoding: reply.body, as: UTF8.self))")
            }
            for query in ["state=a%00b", "category=\(String(repeating: "c", count: 129))", "limit=0", "limit=x", "cursor=%00"] {
                let reply = try await api.call(.get, "/v1/offices/OIG/queue?\(query)", token: lead)
                #expect(reply.status == .badRequest, "queue ?\(query): \(reply.status.code)")
            }
            for suffix in ["/events?cursor=nonsense", "/comments?cursor=bm9uc2Vuc2U", "/parties?limit=-1"] {
                let reply = try await api.call(.get, "/v1/cases/\(reference)\(suffix)", token: lead)
                #expect(reply.status == .badRequest, "\(suffix): \(reply.status.code)")
            }
            // A token whose subject could not be an id.
            let signer = JWTKeyCollection()
            await signer.add(hmac: HMACKey(from: CaseAPIHarness.secret), digestAlgorithm: .sha256)
            for subject in ["a\u{0}b", "two words", String(repeating: "s", count: 129)] {
                let token = try await signer.sign(
                    OversightClaims(subject: subject, name: nil, roles: ["HRM:staff"], expires: Date().addingTimeInterval(60)))
                #expect(
                    try await api.call(.get, "/v1/cases?filed_by=me", token: token).status == .unauthorized, "subject \(subject.debugDescription)")
            }
        }
    }

    @Test func historyCommentsAndPartiesComeInPages() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            for index in 0..<5 {
                #expect(
                    try await api.call(
                        .post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "note \(index)", "visibility": "internal"]
                    ).status == .created)
                #expect(
                    try await api.call(
                        .post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "witness-\(index)", "role": "witness"]
                    ).status == .created)
            }
            let identities: [(suffix: String, total: Int, identity: @Sendable (CaseAPIHarness.Reply) throws -> (items: [String], next: String?))] = [
                (
                    "events", 12,
                    {
                        let page = try $0.decode(APIBody.List<APIBody.Event>.self); return (page.items.map { String($0.seq) }, page.nextCursor)
                    }
                ),
                (
                    "comments", 5,
                    {
                        let page = try $0.decode(APIBody.List<APIBody.Comment>.self); return (page.items.map(\.body), page.nextCursor)
                    }
                ),
                (
                    "parties", 5,
                    {
                        let page = try $0.decode(APIBody.List<APIBody.Party>.self); return (page.items.map(\.personId), page.nextCursor)
                    }
                ),
            ]
            for (suffix, total, identity) in identities {
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let query =
                        cursor.map { "?limit=2&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? "?limit=2"
                    let reply = try await api.call(.get, "/v1/cases/\(reference)/\(suffix)\(query)", token: lead)
                    try #require(reply.status == .ok, "\(suffix): \(String(decoding: reply.body, as: UTF8.self))")
                    let (items, next) = try identity(reply)
                    #expect(items.count <= 2)
                    seen += items
                    cursor = next
                    pages += 1
                } while cursor != nil && pages < 20
                #expect(seen.count == total, "\(suffix): \(seen)")
                #expect(Set(seen).count == total, "\(suffix) repeats an item across pages")
                #expect(pages == (total + 1) / 2)
            }
        }
    }

    @Test func filingIsRateLimitedPerCaller() async throws {
        try await CaseAPIHarness.run(filingLimit: FilingLimit(count: 3, window: .seconds(3600))) { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let other = try await api.token("fin-gus", "FIN:staff")
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "first"]
            let first = try await api.call(.post, "/v1/cases", token: staff, body: Self.filing, headers: key)
            #expect(first.status == .created)
            for _ in 0..<2 { _ = try await api.file(staff) }
            let refused = try await api.call(.post, "/v1/cases", token: staff, body: Self.filing)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.problemType == "/problems/rate-limited")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect((3500...3600).contains(retryAfter))
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 3)
            // A retry of an earlier filing is its stored answer, not a new filing; others file freely.
            #expect(try await api.call(.post, "/v1/cases", token: staff, body: Self.filing, headers: key).status == .created)
            _ = try await api.file(other)
            // An hour later the window has moved on.
            api.clock.advance(days: 1.0 / 24 + 0.001)
            _ = try await api.file(staff)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 5)
        }
    }

    @Test func aReferenceRevealsNeitherTheOfficeNorHowManyCasesThereAre() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let plain = try await api.file(staff)
            // The Inspector General is named: the case goes to the alternate. The filer's
            // reference looks like any other.
            let conflicted = try await api.file(staff, subjects: ["ig"])
            #expect(try await api.office(of: conflicted) == "AOAC")
            for reference in [plain, conflicted] {
                #expect(CaseReference(reference)?.description == reference)
                #expect(!reference.contains("OIG") && !reference.contains("AOAC"))
            }
            // Probing the neighbourhood of a visible reference finds nothing.
            for _ in 0..<20 {
                let guess = CaseReference.random().description
                #expect(try await api.call(.get, "/v1/cases/\(guess)", token: lead).status == .notFound)
            }
            // A reference typed as a person would still finds the case.
            let typed = plain.lowercased().replacingOccurrences(of: "-", with: "")
            #expect(try await api.call(.get, "/v1/cases/\(typed)", token: lead).status == .ok)
        }
    }
}
