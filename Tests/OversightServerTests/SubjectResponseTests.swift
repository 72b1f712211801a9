import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The subject's right to respond: at the investigation's due-process step the subject is
/// notified, reads only the summary written for them, responds once, and the final report may
/// then go out before their period ends; before and after, the case stays invisible to them.
@Suite(.temporaryPostgres)
struct SubjectResponseTests {
    struct View: Decodable {
        let reference: String
        let view: String
        let allegationsSummary: String
        let notifiedAt: Date
        let respondBy: Date?
        let respondedAt: Date?
    }

    /// An investigation naming fin-gus, at its draft report; returns its reference.
    func investigationAtDraftReport(_ api: CaseAPIHarness) async throws -> String {
        let staff = try await api.token("hr-fatima", "HRM:staff")
        let lead = try await api.token("oig-lead", "OIG:lead")
        let investigator = try await api.token("inv-amara", "OIG:officer")
        let reference = try await api.file(staff, title: "Invoices paid twice by Gus", subjects: ["fin-gus"])
        #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
        for (token, step, note) in [
            (lead, "begin_assessment", nil), (lead, "open_investigation", "credible"), (investigator, "begin_evidence_collection", nil),
            (investigator, "record_subject_interview", "interviewed"), (investigator, "draft_findings", nil),
        ] as [(String, String, String?)] {
            let reply = try await api.transition(reference, step, token: token, note: note)
            try #require(reply.status == .ok, "\(step): \(String(decoding: reply.body, as: UTF8.self))")
        }
        return reference
    }

    @Test func theSubjectIsHeardAndTheFinalReportMayThenGoOut() async throws {
        try await CaseAPIHarness.run { api in
            let subject = try await api.token("fin-gus", "FIN:staff")
            let investigator = try await api.token("inv-amara", "OIG:officer")
            let reference = try await investigationAtDraftReport(api)
            // Before the due-process step the case does not exist for them.
            #expect(try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: subject).status == .notFound)

            let notified = try await api.transition(
                reference, "notify_subject", token: investigator,
                fields: ["allegations_summary": "You approved two payments for one delivery in March."])
            #expect(notified.status == .ok, "\(String(decoding: notified.body, as: UTF8.self))")
            _ = try await api.store.deliverNotifications()
            let inbox = try await api.call(.get, "/v1/me/notifications", token: subject)
            #expect(String(decoding: inbox.body, as: UTF8.self).contains("notify_subject"))

            let shown = try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: subject)
            #expect(shown.status == .ok)
            let view = try shown.decode(View.self)
            #expect(view.view == "subject")
            #expect(view.allegationsSummary == "You approved two payments for one delivery in March.")
            #expect(view.respondBy != nil)
            // Nothing of the reporter, the reporter's words, other parties or notes.
            let text = String(decoding: shown.body, as: UTF8.self)
            #expect(!text.contains("hr-fatima") && !text.contains("Invoices paid twice") && !text.contains("filer's words"), "\(text)")
            for suffix in ["", "/events", "/comments", "/parties"] {
                #expect(try await api.call(.get, "/v1/cases/\(reference)\(suffix)", token: subject).status == .notFound, "\(suffix)")
            }

            // The final report waits for the response (or the end of the period).
            #expect(try await api.transition(reference, "issue_final_report", token: investigator).problemType == "/problems/transition-guard-failed")
            let responded = try await api.call(
                .post, "/v1/cases/\(reference)/subject-response", token: subject, body: ["comments": "The second payment was a deposit."])
            #expect(responded.status == .created)
            #expect(try responded.decode(View.self).respondedAt != nil)
            let again = try await api.call(.post, "/v1/cases/\(reference)/subject-response", token: subject, body: ["comments": "Also..."])
            #expect(again.problemType == "/problems/already-responded")

            // The investigators read it, authored "subject", and the history records it.
            let lead = try await api.token("oig-lead", "OIG:lead")
            let notes = try await api.call(.get, "/v1/cases/\(reference)/comments", token: lead).decode(APIBody.List<APIBody.Comment>.self)
            #expect(notes.items.contains { $0.author == "subject" && $0.body == "The second payment was a deposit." })
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: lead).decode(APIBody.List<APIBody.Event>.self)
            #expect(events.items.last?.kind == "subject_responded")
            #expect(events.items.last?.actor == "subject")
            _ = try await api.store.deliverNotifications()
            let assigneeInbox = try await api.call(.get, "/v1/me/notifications", token: investigator)
            #expect(String(decoding: assigneeInbox.body, as: UTF8.self).contains("subject_responded"))

            #expect(try await api.transition(reference, "issue_final_report", token: investigator).status == .ok)
            // The period is over: the subject view is gone with it.
            #expect(try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: subject).status == .notFound)
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
        }
    }

    @Test(arguments: AccessEnforcement.allCases)
    func onlyTheSubjectHasTheSubjectView(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let reference = try await investigationAtDraftReport(api)
            let investigator = try await api.token("inv-amara", "OIG:officer")
            #expect(
                try await api.transition(reference, "notify_subject", token: investigator, fields: ["allegations_summary": "Summary"]).status == .ok)
            for (who, role) in [("hr-fatima", "HRM:staff"), ("fin-head", "FIN:head"), ("oig-lead", "OIG:lead"), ("dg", "ODG:executive")] {
                let token = try await api.token(who, role)
                #expect(try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: token).status == .notFound, "\(who)")
                let reply = try await api.call(.post, "/v1/cases/\(reference)/subject-response", token: token, body: ["comments": "x"])
                #expect(reply.status == .notFound, "\(who)")
            }
            // The subject has their view, never the case: row security keeps the case row (its
            // filer, title, narrative), history, notes and parties from them even where the
            // store's own checks are off.
            let subject = try await api.token("fin-gus", "FIN:staff")
            #expect(try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: subject).status == .ok)
            for suffix in ["", "/events", "/comments", "/parties"] {
                #expect(try await api.call(.get, "/v1/cases/\(reference)\(suffix)", token: subject).status == .notFound, "\(suffix)")
            }
        }
    }
}
