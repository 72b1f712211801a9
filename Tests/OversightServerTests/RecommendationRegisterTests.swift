import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The recommendations register through HTTP: an audit issues recommendations at its final
/// report; their owner in management responds and implements; the audit office verifies or
/// the owner's head accepts the risk; the audit closes only once every one is closed; and
/// each reader sees the recommendations they may, no more.
@Suite(.temporaryPostgres)
struct RecommendationRegisterTests {
    struct Register: Decodable {
        struct Item: Decodable {
            let reference: String
            let state: String
            let priority: String?
            let ownerOffice: String?
            let owner: String?
            let dueDate: String?
            let overdue: Bool
            let sourceKind: String?
            let source: String?
        }

        let items: [Item]
        let nextCursor: String?
        var references: Set<String> { Set(items.map(\.reference)) }
    }

    /// An audit at its final report, with inv-amara as lead auditor; returns its reference.
    func auditAtFinalReport(_ api: CaseAPIHarness, lead: String) async throws -> String {
        let opened = try await api.call(
            .post, "/v1/offices/OIG/cases", token: lead, body: ["kind": "audit", "title": "Payments controls", "entity": "FIN"])
        let audit = try opened.decode(APIBody.Case.self).reference
        #expect(try await api.call(.post, "/v1/cases/\(audit)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
        let auditor = try await api.token("inv-amara", "OIG:officer")
        for (token, step, note) in [
            (lead, "notify_engagement", nil), (lead, "begin_fieldwork", nil), (auditor, "draft_findings", nil),
            (lead, "request_management_comments", nil), (lead, "issue_final_report", "report issued"),
        ] as [(String, String, String?)] {
            let reply = try await api.transition(audit, step, token: token, note: note)
            try #require(reply.status == .ok, "\(step): \(String(decoding: reply.body, as: UTF8.self))")
        }
        return audit
    }

    func issue(
        _ api: CaseAPIHarness, _ audit: String, token: String, text: String, priority: String, due: String, owner: String = "fin-gus",
        office: String = "FIN"
    ) async throws -> CaseAPIHarness.Reply {
        try await api.call(
            .post, "/v1/cases/\(audit)/recommendations", token: token,
            body: ["text": text, "owner_office": office, "owner": owner, "priority": priority, "due_date": due])
    }

    func register(_ api: CaseAPIHarness, _ token: String, _ query: String = "") async throws -> Register {
        let reply = try await api.call(.get, "/v1/recommendations\(query.isEmpty ? "" : "?" + query)", token: token)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        return try reply.decode(Register.self)
    }

    @Test func anAuditsRecommendationsAreFollowedToClosureBeforeTheAuditCloses() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            let ig = try await api.token("ig", "OIG:head")
            let owner = try await api.token("fin-gus", "FIN:staff")
            let ownerHead = try await api.token("fin-head", "FIN:head")
            let audit = try await auditAtFinalReport(api, lead: lead)

            let today = CalendarDayText(api.clock.now())
            let first = try await issue(api, audit, token: lead, text: "Reconcile supplier accounts monthly", priority: "high", due: "2027-06-30")
            #expect(first.status == .created, "\(String(decoding: first.body, as: UTF8.self))")
            let implemented = try first.decode(APIBody.Case.self)
            #expect(implemented.kind == "recommendation")
            #expect(implemented.office == "OIG")
            #expect(implemented.recommendation?.owner == "fin-gus")
            #expect(implemented.recommendation?.priority == "high")
            #expect(implemented.recommendation?.dueDate == "2027-06-30")
            let riskAccepted = try await issue(api, audit, token: lead, text: "Segregate payment approval", priority: "medium", due: "2027-09-30")
                .decode(APIBody.Case.self).reference
            let overdue = try await issue(api, audit, token: lead, text: "Review vendor master data", priority: "low", due: today.plus(days: 10))
                .decode(APIBody.Case.self).reference

            // The owner sees the recommendations addressed to them, never the audit itself.
            let mine = try await register(api, owner, "owner=me")
            #expect(mine.references == [implemented.reference, riskAccepted, overdue])
            #expect(mine.items.allSatisfy { $0.source == nil && $0.sourceKind == "audit" })
            #expect(try await api.call(.get, "/v1/cases/\(audit)", token: owner).status == .notFound)
            let asOwner = try await api.call(.get, "/v1/cases/\(implemented.reference)", token: owner)
            #expect(try asOwner.decode(APIBody.Case.self).view == "follow_up")
            #expect(try !asOwner.keys().contains("links"))
            for suffix in ["events", "parties", "comments"] {
                #expect(try await api.call(.get, "/v1/cases/\(implemented.reference)/\(suffix)", token: owner).status == .notFound, "\(suffix)")
            }
            // Keyset pages, one at a time, give each recommendation once, by due date.
            var paged: [String] = []
            var cursor: String?
            for _ in 0..<5 {
                let query = "source=\(audit)&limit=1" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await register(api, lead, query)
                paged += page.items.map(\.reference)
                cursor = page.nextCursor
                if cursor == nil { break }
            }
            #expect(paged == [overdue, implemented.reference, riskAccepted])
            // The source office sees where each came from.
            #expect(try await register(api, lead, "source=\(audit)").items.allSatisfy { $0.source == audit })

            // Management's response and the implementation, by the owner; verified by the audit office.
            for (step, fields) in [
                (
                    "agree_action_plan",
                    ["management_response": "accepted", "action_plan": "Monthly reconciliation by the treasury unit", "due_date": "2027-05-31"]
                ),
                ("start_implementation", [:]), ("report_implementation", ["note": "Reconciliations run since March"]),
            ] as [(String, [String: Any])] {
                let reply = try await api.transition(implemented.reference, step, token: owner, fields: fields)
                #expect(reply.status == .ok, "\(step): \(String(decoding: reply.body, as: UTF8.self))")
            }
            #expect(try await register(api, owner, "owner=me&status=implementation_reported").references == [implemented.reference])
            let verified = try await api.transition(implemented.reference, "verify_implementation", token: lead, note: "evidence seen")
            #expect(try verified.decode(APIBody.Case.self).state == "verified_implemented")

            // Only the owner office's head accepts the risk, naming the executive who agreed.
            let byOwner = try await api.transition(riskAccepted, "accept_risk", token: owner, fields: ["risk_acceptance_by": "dg", "reason": "cost"])
            #expect(byOwner.problemType == "/problems/transition-role-not-allowed")
            let accepted = try await api.transition(
                riskAccepted, "accept_risk", token: ownerHead, fields: ["risk_acceptance_by": "dg", "reason": "cost exceeds the risk"])
            #expect(try accepted.decode(APIBody.Case.self).state == "closed_risk_accepted")

            // Closed ones sort last (their due date is infinite) and still page one at a time.
            var afterClosing: [String] = []
            var next: String?
            for _ in 0..<5 {
                let page = try await register(api, lead, "source=\(audit)&limit=1" + (next.map { "&cursor=\($0)" } ?? ""))
                afterClosing += page.items.map(\.reference)
                next = page.nextCursor
                if next == nil { break }
            }
            #expect(afterClosing.first == overdue)
            #expect(Set(afterClosing) == [overdue, implemented.reference, riskAccepted] && afterClosing.count == 3)
            // The third is overdue once its date has passed, and holds the audit open.
            api.clock.advance(days: 11)
            #expect(try await register(api, lead, "overdue=true").references == [overdue])
            // Overdue, it climbs the owner's side of the ladder: the owner, their head, the Chief of Staff.
            _ = try await api.store.escalateOverdue(at: api.clock.now().addingTimeInterval(15 * 86_400))
            #expect(
                try await EscalationLadderTests().recipients(api, overdue, item: "recommendation_due") == [
                    "1": "fin-gus", "2": "fin-head", "3": "cos",
                ])
            #expect(try await api.transition(audit, "begin_follow_up", token: lead).status == .ok)
            let early = try await api.transition(audit, "close_audit", token: ig, note: "done")
            #expect(early.problemType == "/problems/transition-guard-failed")
            #expect(try await api.transition(overdue, "withdraw", token: lead, fields: ["reason": "superseded by the new ERP"]).status == .ok)
            let closed = try await api.transition(audit, "close_audit", token: ig, note: "every recommendation closed")
            #expect(closed.status == .ok, "\(String(decoding: closed.body, as: UTF8.self))")
            #expect(try closed.decode(APIBody.Case.self).state == "closed")
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
        }
    }

    /// With the store's own checks and with row security alone.
    @Test(arguments: AccessEnforcement.allCases)
    func eachReaderSeesTheRecommendationsTheyMay(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            let audit = try await auditAtFinalReport(api, lead: lead)
            let reference = try await issue(api, audit, token: lead, text: "Rotate approvers", priority: "high", due: "2027-06-30")
                .decode(APIBody.Case.self).reference

            for (who, role) in [("cos", "COS:head"), ("dg", "ODG:executive"), ("fin-head", "FIN:head")] {
                let token = try await api.token(who, role)
                #expect(try await register(api, token).references == [reference], "\(who)")
                #expect(try await api.call(.get, "/v1/cases/\(reference)", token: token).decode(APIBody.Case.self).view == "follow_up")
            }
            for (who, role) in [("ethics-head", "ECO:head"), ("hr-fatima", "HRM:staff"), ("inv-bruno", "OIG:officer")] {
                let token = try await api.token(who, role)
                #expect(try await register(api, token).references.isEmpty, "\(who)")
                #expect(try await api.call(.get, "/v1/cases/\(reference)", token: token).status == .notFound, "\(who)")
            }
            // Executives read it; only the owner side acts on it.
            let cos = try await api.token("cos", "COS:head")
            #expect(try await api.transition(reference, "start_implementation", token: cos).problemType == "/problems/forbidden")
        }
    }

    @Test func recommendationsAreIssuedByTheSourceTeamAtItsReportStepToARealOwner() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            let opened = try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: ["kind": "audit", "title": "Travel"])
            let audit = try opened.decode(APIBody.Case.self).reference
            // Too early: the report is not issued.
            let early = try await issue(api, audit, token: lead, text: "Too early", priority: "low", due: "2027-01-31")
            #expect(early.status == .conflict)
            #expect(early.problemType == "/problems/not-at-report-step")

            let ready = try await auditAtFinalReport(api, lead: lead)
            let stranger = try await api.token("hr-fatima", "HRM:staff")
            #expect(try await issue(api, ready, token: stranger, text: "x", priority: "low", due: "2027-01-31").status == .notFound)
            let wrongOffice = try await issue(api, ready, token: lead, text: "x", priority: "low", due: "2027-01-31", owner: "hr-fatima")
            #expect(wrongOffice.problemType == "/problems/invalid-owner")
            let unknown = try await issue(api, ready, token: lead, text: "x", priority: "low", due: "2027-01-31", owner: "nobody")
            #expect(unknown.problemType == "/problems/invalid-owner")
            let badPriority = try await issue(api, ready, token: lead, text: "x", priority: "urgent", due: "2027-01-31")
            #expect(badPriority.status == .badRequest)
            #expect(try await api.count("SELECT count(*) AS n FROM cases WHERE kind = 'recommendation'") == 0)
        }
    }
}

/// A day as the API writes dates, for due dates relative to the test clock.
struct CalendarDayText {
    let date: Date
    init(_ date: Date) { self.date = date }

    func plus(days: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date.addingTimeInterval(Double(days) * 86_400))
    }
}

extension RecommendationRegisterTests {
    /// An evaluation's recommendations each get their own management response, and the
    /// evaluation pipeline (EVM's queue by kind) shows where the evaluation stands.
    @Test func anEvaluationsRecommendationsEachGetAManagementResponse() async throws {
        try await CaseAPIHarness.run { api in
            let head = try await api.token("evm-head", "EVM:head")
            let evaluator = try await api.token("evm-eli", "EVM:officer")
            let opened = try await api.call(
                .post, "/v1/offices/EVM/cases", token: head, body: ["kind": "evaluation", "title": "Country programme, Asia", "entity": "Asia"])
            let evaluation = try opened.decode(APIBody.Case.self).reference
            #expect(try await api.call(.post, "/v1/cases/\(evaluation)/assignment", token: head, body: ["assignee": "evm-eli"]).status == .ok)
            for (token, step, fields) in [
                (head, "approve_tor", ["evaluation_type": "centralized"]), (evaluator, "begin_inception", [:]),
                (evaluator, "begin_data_collection", [:]), (evaluator, "draft_findings", [:]), (evaluator, "circulate_draft", [:]),
                (evaluator, "finalize_report", [:]),
            ] as [(String, String, [String: Any])] {
                let reply = try await api.transition(evaluation, step, token: token, fields: fields)
                try #require(reply.status == .ok, "\(step): \(String(decoding: reply.body, as: UTF8.self))")
            }
            let toFinance = try await issue(
                api, evaluation, token: evaluator, text: "Fund the monitoring system", priority: "high", due: "2027-09-30"
            )
            .decode(APIBody.Case.self).reference
            let toHR = try await issue(
                api, evaluation, token: evaluator, text: "Train country staff in results-based management", priority: "medium", due: "2027-12-31",
                owner: "hr-fatima", office: "HRM"
            ).decode(APIBody.Case.self).reference
            #expect(try await api.transition(evaluation, "request_management_response", token: head).status == .ok)

            for (reference, who, role, response) in [
                (toFinance, "fin-gus", "FIN:staff", "accepted"), (toHR, "hr-fatima", "HRM:staff", "partially_accepted"),
            ] {
                let owner = try await api.token(who, role)
                let reply = try await api.transition(
                    reference, "agree_action_plan", token: owner,
                    fields: ["management_response": response, "action_plan": "as agreed", "due_date": "2027-11-30"])
                #expect(reply.status == .ok, "\(who): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(try reply.decode(APIBody.Case.self).recommendation?.managementResponse == response)
            }
            // A response outside the list is refused.
            let rejected = try await api.transition(
                toFinance, "agree_action_plan", token: try await api.token("fin-gus", "FIN:staff"),
                fields: ["management_response": "maybe", "action_plan": "-", "due_date": "2027-11-30"])
            #expect(rejected.status != .ok)

            let sourced = try await register(api, head, "source=\(evaluation)")
            #expect(sourced.references == [toFinance, toHR])
            #expect(sourced.items.allSatisfy { $0.state == "action_plan_agreed" && $0.source == evaluation })

            #expect(
                try await api.transition(
                    evaluation, "record_management_response", token: evaluator, fields: ["management_response": "per recommendation"]
                )
                .status == .ok)
            #expect(try await api.transition(evaluation, "publish_report", token: head).status == .ok)
            #expect(try await api.transition(evaluation, "begin_follow_up", token: head).status == .ok)
            let pipeline = try await api.call(.get, "/v1/offices/EVM/queue?kind=evaluation", token: head).decode(QueueTests.Page.self)
            #expect(pipeline.cases.map(\.reference) == [evaluation])
            #expect(pipeline.cases.first?.state == "follow_up")
            // Two recommendations are open: the evaluation stays open.
            let early = try await api.transition(evaluation, "close_evaluation", token: head, note: "done")
            #expect(early.problemType == "/problems/transition-guard-failed")
        }
    }
}
