import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The dispatcher delivers the outbox into inboxes (`GET /v1/me/notifications`), resolving
/// recipients against the case as it is at delivery; a notification names the case, never its
/// content or anyone in it.
@Suite(.temporaryPostgres)
struct NotificationInboxTests {
    struct Inbox: Decodable {
        struct Item: Decodable {
            let id: Int
            let kind: String
            let reference: String?
            let link: String?
            let readAt: Date?
        }

        let items: [Item]
    }

    func inbox(_ api: CaseAPIHarness, _ token: String, _ query: String = "") async throws -> Inbox {
        let reply = try await api.call(.get, "/v1/me/notifications\(query)", token: token)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        return try reply.decode(Inbox.self)
    }

    @Test func theOfficeHeadIsToldOfANewCaseWithItsReferenceOnly() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let ig = try await api.token("ig", "OIG:head")
            let reply = try await api.call(
                .post, "/v1/cases", token: staff,
                body: ["category": "fraud", "title": "Canary title 7731", "narrative": "Canary narrative 7731", "subjects": ["fin-gus"]])
            let reference = try reply.decode(APIBody.Filing.self).reference
            #expect(try await api.store.deliverNotifications() == 1)
            let raw = try await api.call(.get, "/v1/me/notifications", token: ig)
            let body = String(decoding: raw.body, as: UTF8.self)
            #expect(!body.contains("7731") && !body.contains("fin-gus") && !body.contains("hr-fatima"), "\(body)")
            let items = try raw.decode(Inbox.self).items
            #expect(items.map(\.kind) == ["case_filed"])
            #expect(items.first?.reference == reference)
            #expect(items.first?.link == "/v1/cases/\(reference)")
            // The filer, and everyone else, have nothing.
            #expect(try await inbox(api, staff).items.isEmpty)
            #expect(try await inbox(api, try await api.token("ethics-head", "ECO:head")).items.isEmpty)

            // Read marks are the recipient's alone.
            let id = try #require(items.first?.id)
            #expect(try await api.call(.post, "/v1/me/notifications/\(id)/read", token: staff).status == .notFound)
            #expect(try await api.call(.post, "/v1/me/notifications/\(id)/read", token: ig).status == .noContent)
            #expect(try await inbox(api, ig, "?unread=true").items.isEmpty)
            #expect(try await inbox(api, ig).items.first?.readAt != nil)
            // Delivered once: a second dispatch finds nothing.
            #expect(try await api.store.deliverNotifications() == 0)
        }
    }

    @Test func recipientsAreResolvedAgainstTheCaseAsItIsWhenDelivered() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            // Before the alert goes out, the Inspector General is named: the case moves to the
            // alternate, sealed from OIG.
            let named = try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "ig", "role": "subject"])
            #expect(named.status == .created)
            _ = try await api.store.deliverNotifications()
            #expect(try await inbox(api, try await api.token("ig", "OIG:head")).items.isEmpty)
            #expect(try await inbox(api, try await api.token("aoac-chair", "AOAC:head")).items.map(\.reference) == [reference])
        }
    }

    @Test func aNotificationForACaseNoLongerVisibleLeavesTheList() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let ig = try await api.token("ig", "OIG:head")
            let reference = try await api.file(staff)
            _ = try await api.store.deliverNotifications()
            #expect(try await inbox(api, ig).items.map(\.reference) == [reference])
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "ig", "role": "subject"]).status
                    == .created)
            #expect(try await inbox(api, ig).items.isEmpty)
        }
    }

    @Test func aCaseRestrictedToTheHeadNotifiesTheHeadAlone() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            // An OIG investigator is named: the case goes to the Inspector General alone.
            let reference = try await api.file(staff, subjects: ["inv-bruno"])
            #expect(try await api.count("SELECT count(*) AS n FROM cases WHERE restricted_to_head") == 1)
            // Overdue too, so that the ladder queues escalations as well as the new-case alert.
            _ = try await api.store.escalateOverdue(at: api.clock.now().addingTimeInterval(30 * 86_400))
            _ = try await api.store.deliverNotifications()
            let recipients = try await api.adminPool.query("SELECT DISTINCT recipient FROM notifications ORDER BY recipient")
                .map { try $0.decode("recipient", as: String.self) }
            // The head of the office, then the ladder's Chief of Staff and Director General: no
            // one else of OIG.
            #expect(recipients == ["cos", "dg", "ig"])
            #expect(try await inbox(api, try await api.token("ig", "OIG:head")).items.contains { $0.reference == reference })
            #expect(try await inbox(api, try await api.token("inv-bruno", "OIG:officer")).items.isEmpty)
        }
    }

    @Test func twoDispatchersDeliverEachNotificationOnce() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            for index in 0..<10 { _ = try await api.file(staff, title: "case \(index)") }
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var total = 0
                        while true {
                            let delivered = try await api.store.deliverNotifications(batch: 3)
                            total += delivered
                            if delivered == 0 { return total }
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts.reduce(0, +) == 10)
            #expect(try await api.count("SELECT count(*) AS n FROM notifications WHERE recipient = 'ig'") == 10)
            #expect(try await api.count("SELECT count(*) AS n FROM outbox WHERE kind = 'case_filed' AND delivered_at IS NULL") == 0)
        }
    }

    @Test func aRecommendationReachesItsOwnerAndTheirHead() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            let audit = try await RecommendationRegisterTests().auditAtFinalReport(api, lead: lead)
            let issued = try await RecommendationRegisterTests().issue(
                api, audit, token: lead, text: "Canary 9912", priority: "high", due: "2027-06-30")
            let reference = try issued.decode(APIBody.Case.self).reference
            _ = try await api.store.deliverNotifications()
            for (who, role) in [("fin-gus", "FIN:staff"), ("fin-head", "FIN:head")] {
                let items = try await inbox(api, try await api.token(who, role)).items
                #expect(items.map(\.kind) == ["recommendation_issued"], "\(who)")
                #expect(items.map(\.reference) == [reference], "\(who)")
            }
        }
    }
}
