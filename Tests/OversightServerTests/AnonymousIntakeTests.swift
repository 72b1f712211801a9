import Foundation
import HTTPTypes
import InMemoryLogging
import Logging
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Synchronization
import Testing

/// Anonymous intake (issue 12): a case filed without a login, a receipt that is the reporter's
/// only way back, a session that acts as the case's reporter and as no one else, and nothing
/// kept that could lead back to the sender.
@Suite(.temporaryPostgres)
struct AnonymousIntakeTests {
    struct Filed: Decodable {
        let reference: String
        let status: String
        let receipt: String
    }

    /// The reporter view's duties to the reporter.
    struct ReporterView: Decodable {
        struct Due: Decodable {
            let acknowledgement: Date?
            let feedback: Date?
        }
        let reporterDue: Due?
    }

    struct Session: Decodable {
        let token: String
        let reference: String
        let expiresAt: Date
    }

    static var filing: [String: Any] {
        ["category": "fraud", "title": "Invoices paid twice", "narrative": "The same supplier was paid twice in March.", "region": "Europe"]
    }

    static func fileAnonymously(_ api: CaseAPIHarness) async throws -> Filed {
        let reply = try await api.call(.post, "/v1/intake", token: nil, body: filing)
        try #require(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
        return try APIBody.decoder.decode(Filed.self, from: reply.body)
    }

    static func openSession(_ api: CaseAPIHarness, _ receipt: String) async throws -> CaseAPIHarness.Reply {
        try await api.call(.post, "/v1/intake/session", token: nil, body: ["receipt": receipt])
    }

    /// Every row of every table, as the superuser sees them (row security does not apply).
    static func everything(_ api: CaseAPIHarness) async throws -> String {
        try await api.adminPool.query("SELECT database_to_xml(true, false, '')::text AS dump")[0].decode("dump", as: String.self)
    }

    @Test func anAnonymousReporterKeepsTheReceiptAndTalksWithTheOfficeThroughIt() async throws {
        try await CaseAPIHarness.run { api in
            let reply = try await api.call(.post, "/v1/intake", token: nil, body: Self.filing)
            #expect(reply.status == .created)
            #expect(reply.headers[HTTPField.Name("X-Request-ID")!] == nil, "no id that a network log could be joined with")
            #expect(reply.headers[.cacheControl] == "no-store")
            let filed = try APIBody.decoder.decode(Filed.self, from: reply.body)
            #expect(IntakeReceipt.isWellFormed(filed.receipt))
            #expect(filed.status == "received")

            // The receipt is nowhere: not in any table, not in the log.
            #expect(try await !Self.everything(api).contains(filed.receipt))
            #expect(!api.loggedLines.joined(separator: "\n").contains(filed.receipt))
            #expect(try await api.count("SELECT count(*) AS n FROM intake_receipts") == 1)
            // The office learns the case came through the anonymous channel, and no one's name.
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE data ->> 'channel' = 'anonymous'") == 1)
            // Behind the API the filer is a tag and a sealed value; opened, a pseudonym.
            let filer = try await api.adminPool.query("SELECT filed_by FROM cases WHERE reference = \(filed.reference)")[0]
            #expect(try filer.decode("filed_by", as: String.self).hasPrefix("t:"))
            #expect(try await api.sealedFiler(filed.reference)?.hasPrefix("anonymous-") == true)

            // The receipt opens a session that reads the case as its reporter.
            let opened = try await Self.openSession(api, filed.receipt)
            #expect(opened.status == .created)
            let session = try APIBody.decoder.decode(Session.self, from: opened.body)
            #expect(session.reference == filed.reference)
            #expect(session.token.hasPrefix(IntakeDesk.sessionTokenPrefix))
            #expect(try await !Self.everything(api).contains(session.token))
            let view = try await api.call(.get, "/v1/cases/\(filed.reference)", token: session.token)
            #expect(view.status == .ok)
            #expect(try APIBody.decoder.decode(APIBody.Case.self, from: view.body).view == "reporter")
            // The reporter sees when the office owes them an acknowledgement and news (7 and 90
            // days in the investigation workflow's reporter clocks).
            let due = try APIBody.decoder.decode(ReporterView.self, from: view.body).reporterDue
            let openedAt = try APIBody.decoder.decode(APIBody.Case.self, from: view.body).openedAt
            #expect(due?.acknowledgement.map { Int($0.timeIntervalSince(openedAt) / 86_400) } == 7)
            #expect(due?.feedback.map { Int($0.timeIntervalSince(openedAt) / 86_400) } == 90)

            // Messages both ways.
            let message = try await api.call(
                .post, "/v1/cases/\(filed.reference)/comments", token: session.token,
                body: ["body": "I have the two invoices.", "visibility": "reporter"])
            #expect(message.status == .created, "\(String(decoding: message.body, as: UTF8.self))")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let thread = try await api.call(.get, "/v1/cases/\(filed.reference)/comments", token: lead)
            let comments = try thread.decode(APIBody.List<APIBody.Comment>.self).items
            #expect(comments.contains { $0.body == "I have the two invoices." && $0.author == "reporter" })
            let answer = try await api.call(
                .post, "/v1/cases/\(filed.reference)/comments", token: lead, body: ["body": "Please send them.", "visibility": "reporter"])
            #expect(answer.status == .created)
            let seen = try await api.call(.get, "/v1/cases/\(filed.reference)/comments", token: session.token)
            #expect(String(decoding: seen.body, as: UTF8.self).contains("Please send them."))
            // The office's message acknowledged the report: only the next feedback is owed.
            let after = try await api.call(.get, "/v1/cases/\(filed.reference)", token: session.token)
            let owed = try APIBody.decoder.decode(ReporterView.self, from: after.body).reporterDue
            #expect(owed?.acknowledgement == nil)
            #expect(owed?.feedback != nil)

            // The session is that case's reporter and nothing else.
            let other = try await api.file(try await api.token("hr-olga", "HRM:staff"))
            #expect(try await api.call(.get, "/v1/cases/\(other)", token: session.token).status == .notFound)
            let queue = try await api.call(.get, "/v1/offices/OIG/queue", token: session.token)
            #expect(queue.status == .forbidden || queue.status == .notFound)

            // Ended, it is refused when replayed.
            #expect(try await api.call(.delete, "/v1/intake/session", token: session.token).status == .noContent)
            let replayed = try await api.call(.get, "/v1/cases/\(filed.reference)", token: session.token)
            #expect(replayed.status == .unauthorized)
            #expect(try await api.call(.delete, "/v1/intake/session", token: session.token).status == .unauthorized)

            // The access log of intake: method, route and status, no id and no duration.
            let intakeLines = api.logs.entries.filter {
                $0.message.description == "request" && "\($0.metadata["route"] ?? "")".hasPrefix("/v1/intake")
            }
            #expect(intakeLines.count >= 3)
            for line in intakeLines { #expect(Set(line.metadata.keys) == ["method", "route", "status"], "\(line.metadata)") }
        }
    }

    @Test func aSessionExpiresAndAnotherIsOpenedWithTheSameReceipt() async throws {
        try await CaseAPIHarness.run { api in
            let filed = try await Self.fileAnonymously(api)
            let first = try APIBody.decoder.decode(Session.self, from: try await Self.openSession(api, filed.receipt).body)
            try await api.adminPool.query("UPDATE intake_sessions SET expires_at = now() - interval '1 second'")
            let expired = try await api.call(.get, "/v1/cases/\(filed.reference)", token: first.token)
            #expect(expired.status == .unauthorized)
            #expect(expired.problemType == "/problems/unauthenticated")
            let second = try await Self.openSession(api, filed.receipt)
            #expect(second.status == .created)
            // The expired one is gone from the table once another session opens.
            #expect(try await api.count("SELECT count(*) AS n FROM intake_sessions") == 1)
            let token = try APIBody.decoder.decode(Session.self, from: second.body).token
            #expect(try await api.call(.get, "/v1/cases/\(filed.reference)", token: token).status == .ok)
        }
    }

    @Test func wrongReceiptsAreRefusedAlikeAndGuessingIsSlowedNotLocked() async throws {
        try await CaseAPIHarness.run { api in
            let filed = try await Self.fileAnonymously(api)
            for malformed in ["123", "12345678901234ab", "1234 5678 9012 3456", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", String(repeating: "1", count: 17)] {
                let reply = try await Self.openSession(api, malformed)
                #expect(reply.status == .badRequest, "\(malformed)")
                #expect(reply.problemType == "/problems/invalid-receipt")
            }
            // A mistyped receipt and one no case ever had: the same answer, word for word.
            var mistyped = Array(filed.receipt)
            mistyped[15] = mistyped[15] == "0" ? "1" : "0"
            let wrong = try await Self.openSession(api, String(mistyped))
            let never = try await Self.openSession(api, "0000000000000000" == filed.receipt ? "1111111111111111" : "0000000000000000")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.problemType == "/problems/unknown-receipt")
            #expect(wrong.body == never.body)
            #expect(try await api.count("SELECT count(*) AS n FROM intake_sessions") == 0)
            // Ten tries a minute from one source (seven made so far); then a wait, not a lock.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 { statuses.append(try await Self.openSession(api, "2222222222222222").status) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
            let throttled = try await Self.openSession(api, filed.receipt)
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await api.count("SELECT count(*) AS n FROM intake_receipts") == 1, "the receipt itself is untouched")
        }
    }

    /// Counts the hashes an exchange makes, hashing as the service does.
    final class CountingHasher: ReceiptHashing {
        let inner: ReceiptHasher
        let count = Mutex(0)
        init(_ inner: ReceiptHasher) { self.inner = inner }
        func hash(_ receipt: String) async throws -> Data {
            count.withLock { $0 += 1 }
            return try await inner.hash(receipt)
        }
    }

    /// A found receipt, a mistyped one and one no case ever had: one slow hash each, and the
    /// same statements, as PostgreSQL counted them (pg_stat_statements), in the same numbers.
    @Test func everyReceiptCostsTheSameHashAndTheSameStatements() async throws {
        try await CaseAPIHarness.run { api in
            let filed = try await Self.fileAnonymously(api)
            var mistyped = Array(filed.receipt)
            mistyped[0] = mistyped[0] == "9" ? "8" : "9"
            let never = filed.receipt == "0000000000000000" ? "1111111111111111" : "0000000000000000"
            let hasher = CountingHasher(
                ReceiptHasher(salt: Array(try #require(api.settings.intakeSalt).utf8), log2Rounds: api.settings.intakeReceiptCost))
            let desk = IntakeDesk(store: api.store, hasher: hasher, sessionLifetime: .seconds(60))
            try await api.adminPool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            var work: [String: [String]] = [:]
            for (name, receipt) in [("found", filed.receipt), ("mistyped", String(mistyped)), ("never", never)] {
                try await api.adminPool.query("SELECT pg_stat_statements_reset()")
                hasher.count.withLock { $0 = 0 }
                let session = try await desk.openSession(receipt: receipt)
                #expect((session != nil) == (name == "found"), "\(name)")
                #expect(hasher.count.withLock { $0 } == 1, "\(name): one slow hash")
                work[name] = try await api.adminPool.query(
                    """
                    SELECT s.calls::int8 AS calls, s.query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
                    WHERE r.rolname = 'oversight_service' AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    ORDER BY s.query
                    """
                ).map { "\(try $0.decode("calls", as: Int.self)) × \(try $0.decode("query", as: String.self))" }
            }
            #expect(work["found"]?.isEmpty == false)
            #expect(work["found"]?.contains { $0.contains("intake_receipts") } == true)
            #expect(work["mistyped"] == work["found"])
            #expect(work["never"] == work["found"])
        }
    }

    @Test func anonymousFilingIsValidatedLikeAnyFiling() async throws {
        try await CaseAPIHarness.run { api in
            let unknown = try await api.call(
                .post, "/v1/intake", token: nil, body: ["category": "no_such_category", "title": "t", "narrative": "n"])
            #expect(unknown.problemType == "/problems/unknown-category")
            let extra = try await api.call(
                .post, "/v1/intake", token: nil, body: ["category": "fraud", "title": "t", "narrative": "n", "reporter_email": "me@example.org"])
            #expect(extra.problemType == "/problems/unknown-field")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM intake_receipts") == 0)
        }
    }
}
