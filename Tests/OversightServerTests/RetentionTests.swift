import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Retention and legal hold (issue 13): a closed case keeps its content for its period
/// (Config/retention.yaml), then a purge destroys it and its key, leaving a tombstone the
/// reports count and a history that still verifies; a legal hold, set and lifted by the head
/// of the case's office, suspends it.
@Suite(.temporaryPostgres)
struct RetentionTests {
    @Test func aClosedCaseIsPurgedAfterItsPeriodUnlessHeldAndStillCounts() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let reference = try await api.file(staff, title: "Invoices paid twice by Gus", subjects: ["fin-gus"])
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "Gus signed both.", "visibility": "internal"]
                ).status == .created)
            let pdf = Array("%PDF-1.7\n%%EOF\n".utf8)
            #expect(
                try await api.upload("/v1/cases/\(reference)/attachments?name=invoice.pdf", token: staff, bytes: pdf, contentType: "application/pdf")
                    .status == .created)
            #expect(try await api.transition(reference, "close_no_action", token: head, note: "no grounds").status == .ok)
            let closed = api.clock.now()
            let closedCount: PostgresQuery = "SELECT coalesce(sum(n), 0)::int8 AS n FROM report_cells_now WHERE measure = 'closed' AND office = 'OIG'"
            let countedBefore = try await api.count(closedCount)
            #expect(countedBefore == 1)

            // Closed at intake: three years (Config/retention.yaml).
            #expect(try await api.store.purgeExpired(at: closed.addingTimeInterval(2 * 365 * 86_400)) == 0)
            let later = closed.addingTimeInterval(4 * 365 * 86_400)
            #expect(try await api.store.expiredCaseCount(at: later) == 1)

            // Only the head of the office holds; a hold stops the purge until it is lifted.
            let byLead = try await api.call(.put, "/v1/cases/\(reference)/legal-hold", token: lead, body: ["reason": "litigation"])
            #expect(byLead.status == .forbidden)
            let held = try await api.call(.put, "/v1/cases/\(reference)/legal-hold", token: head, body: ["reason": "Staff appeal pending"])
            #expect(held.status == .created)
            #expect(try await api.call(.put, "/v1/cases/\(reference)/legal-hold", token: head, body: ["reason": "again"]).status == .conflict)
            #expect(try await api.call(.get, "/v1/cases/\(reference)/legal-hold", token: lead).status == .ok)
            #expect(try await api.store.purgeExpired(at: later) == 0)
            #expect(try await api.call(.delete, "/v1/cases/\(reference)/legal-hold", token: head).status == .noContent)
            #expect(try await api.call(.get, "/v1/cases/\(reference)/legal-hold", token: lead).status == .notFound)

            #expect(try await api.store.purgeExpired(at: later) == 1)
            #expect(try await api.store.purgeExpired(at: later) == 0, "purged once")
            let row = try await api.adminPool.query(
                "SELECT title, narrative, filed_by, subject_ids, kind, office, region, category, outcome, opened_at, closed_at FROM cases")[0]
            // The tombstone's title and narrative are stored plain: they tell nothing, and the key
            // that sealed what they were is gone.
            #expect(try row.decode("title", as: Data.self) == Data("(redacted)".utf8))
            #expect(try row.decode("narrative", as: Data.self).isEmpty)
            #expect(try row.decode("filed_by", as: String?.self) == nil)
            #expect(try await api.count("SELECT count(*) AS n FROM cases WHERE filer IS NOT NULL") == 0)
            #expect(try row.decode("subject_ids", as: [String].self).isEmpty)
            #expect(try row.decode("kind", as: String.self) == "investigation" && row.decode("office", as: String.self) == "OIG")
            #expect(try row.decode("region", as: String?.self) == "Europe" && row.decode("outcome", as: String?.self) == "closed_at_intake")
            #expect(try await api.count("SELECT count(*) AS n FROM comments") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM case_parties") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM attachments") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM attachment_chunks") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM case_keys WHERE key IS NULL AND destroyed_at IS NOT NULL") == 1)
            // Statistics survive; the history records each step and still verifies.
            #expect(try await api.count(closedCount) == countedBefore)
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: lead).decode(APIBody.List<APIBody.Event>.self)
            #expect(events.items.filter { $0.kind == "legal_hold" }.map { $0.data["hold"] ?? "" } == ["set", "lifted"])
            #expect(events.items.last?.kind == "purged" && events.items.last?.actor == "system:retention")
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
            // What remains of the case to those who work it: the tombstone.
            let view = String(decoding: try await api.call(.get, "/v1/cases/\(reference)", token: lead).body, as: UTF8.self)
            #expect(!view.contains("Gus") && !view.contains("hr-fatima"))
        }
    }
}
