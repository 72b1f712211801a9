import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

@Suite(.temporaryPostgres)
struct CaseLifecycleTests {
    @Test func aWholeInvestigationFromFilingToClosureByTheHead() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let investigator = try await api.token("inv-amara", "OIG:officer")
            let head = try await api.token("ig", "OIG:head")

            let filed = try await api.call(
                .post, "/v1/cases", token: staff,
                body: [
                    "category": "fraud", "title": "Invoices paid twice", "narrative": "Two payments for one delivery.", "subjects": ["fin-gus"],
                ])
            #expect(filed.status == .created)
            let reference = try filed.decode(APIBody.Filing.self).reference
            #expect(try await api.office(of: reference) == "OIG")
            #expect(filed.headers[.location] == "/v1/cases/\(reference)")
            // The filer learns the reference and the reporter-facing status, nothing of routing.
            #expect(try filed.keys() == ["reference", "status"])
            #expect(try filed.decode(APIBody.Filing.self).status == "received")

            let queue = try await api.call(.get, "/v1/offices/OIG/queue", token: lead)
            #expect(try queue.decode(QueueTests.Page.self).references == [reference])

            let assigned = try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"])
            #expect(assigned.status == .ok)
            #expect(try assigned.decode(APIBody.Case.self).assignee == "inv-amara")

            for (token, transition, note) in [
                (lead, "begin_assessment", nil), (lead, "open_investigation", "credible and material"),
                (investigator, "begin_evidence_collection", nil), (investigator, "record_subject_interview", "interviewed"),
                (investigator, "draft_findings", nil), (investigator, "notify_subject", nil),
            ] as [(String, String, String?)] {
                let fields: [String: Any] = transition == "notify_subject" ? ["allegations_summary": "Two payments for one delivery"] : [:]
                let reply = try await api.transition(reference, transition, token: token, note: note, fields: fields)
                #expect(reply.status == .ok, "\(transition): \(String(decoding: reply.body, as: UTF8.self))")
            }
            // Due process: no final report before the subject's comment period has passed.
            let early = try await api.transition(reference, "issue_final_report", token: investigator)
            #expect(early.status == .conflict)
            #expect(early.problemType == "/problems/transition-guard-failed")
            api.clock.advance(days: 11)
            #expect(try await api.transition(reference, "issue_final_report", token: investigator).status == .ok)

            // The investigator alone cannot close; the head can.
            let byInvestigator = try await api.transition(reference, "close_unsubstantiated", token: investigator, note: "no evidence")
            #expect(byInvestigator.status == .conflict)
            #expect(byInvestigator.problemType == "/problems/transition-role-not-allowed")
            let closed = try await api.transition(reference, "close_unsubstantiated", token: head, note: "allegation not supported")
            #expect(closed.status == .ok)
            let closedCase = try closed.decode(APIBody.Case.self)
            #expect(closedCase.state == "closed_unsubstantiated")
            #expect(closedCase.outcome == "unsubstantiated")
            #expect(closedCase.closedAt != nil)

            let reporterView = try await api.call(.get, "/v1/cases/\(reference)", token: staff)
            #expect(try reporterView.decode(APIBody.Case.self).status == "closed")
            #expect(try reporterView.decode(APIBody.Case.self).state == nil)
            #expect(try reporterView.decode(APIBody.Case.self).narrative == nil)

            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: lead)
            let items = try events.decode(APIBody.List<APIBody.Event>.self).items
            #expect(items.map(\.seq) == Array(1...items.count))
            #expect(zip(items, items.dropFirst()).allSatisfy { $0.hash == $1.prevHash })
            #expect(items.count == 11)  // filed, routed, assigned, 8 transitions
            let report = try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            #expect(report.firstBreak == nil)
            #expect(report.eventsChecked == 11)
            #expect(try await api.count("SELECT count(*) AS n FROM outbox WHERE kind = 'notify_subject'") == 1)
        }
    }

    /// Walks a retaliation review to prima facie and referral; returns the linked case.
    func referRetaliation(_ api: CaseAPIHarness, subjects: [String]) async throws -> (review: String, linked: String, linkedOffice: String) {
        let requester = try await api.token("hr-fatima", "HRM:staff")
        let ethicsHead = try await api.token("ethics-head", "ECO:head")
        let review = try await api.file(requester, category: "retaliation", title: "Demoted after reporting", subjects: subjects)
        #expect(try await api.office(of: review) == "ECO")
        #expect(try await api.call(.post, "/v1/cases/\(review)/assignment", token: ethicsHead, body: ["assignee": "eco-chen"]).status == .ok)
        for (transition, note) in [
            ("begin_completeness_check", nil), ("begin_preliminary_review", nil),
            ("find_prima_facie", "protected activity, contributing factor"),
            ("refer_for_investigation", "refer"),
        ] as [(String, String?)] {
            let reply = try await api.transition(review, transition, token: ethicsHead, note: note)
            #expect(reply.status == .ok, "\(transition): \(String(decoding: reply.body, as: UTF8.self))")
        }
        let shown = try await api.call(.get, "/v1/cases/\(review)", token: ethicsHead)
        let links = try #require(try shown.decode(APIBody.Case.self).links)
        let linked = try #require(links.first?.reference)
        #expect(links.first?.relation == "opened")
        return (review, linked, try #require(try await api.office(of: linked)))
    }

    @Test func primaFacieRetaliationOpensALinkedInvestigationAtOIG() async throws {
        try await CaseAPIHarness.run { api in
            let (review, linked, office) = try await referRetaliation(api, subjects: ["fin-head"])
            #expect(office == "OIG")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let investigation = try await api.call(.get, "/v1/cases/\(linked)", token: lead)
            #expect(investigation.status == .ok)
            let shown = try investigation.decode(APIBody.Case.self)
            #expect(shown.kind == "investigation")
            #expect(shown.links?.first?.reference == review)
            #expect(shown.links?.first?.relation == "opened_by")
        }
    }

    @Test func whenOIGIsConflictedTheLinkedInvestigationOpensAtTheAlternate() async throws {
        try await CaseAPIHarness.run { api in
            // The Inspector General is named: OIG may not investigate, nor see it.
            let (_, linked, office) = try await referRetaliation(api, subjects: ["ig"])
            #expect(office == "AOAC")
            let chair = try await api.token("aoac-chair", "AOAC:head")
            #expect(try await api.call(.get, "/v1/cases/\(linked)", token: chair).status == .ok)
            let oigLead = try await api.token("oig-lead", "OIG:lead")
            #expect(try await api.call(.get, "/v1/cases/\(linked)", token: oigLead).status == .notFound)
        }
    }
}
