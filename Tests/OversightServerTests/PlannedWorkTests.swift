import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// `POST /v1/offices/{office}/cases`: the offices' planned work (audits at OIG, evaluations at
/// EVM), opened by their leads and heads, in their queues and workflows like filed cases.
@Suite(.temporaryPostgres)
struct PlannedWorkTests {
    static var audit: [String: Any] {
        [
            "kind": "audit", "title": "Procurement in the Nairobi office", "scope": "Contracts awarded in 2025 and 2026",
            "entity": "Nairobi", "planned_start": "2027-01-11", "planned_end": "2027-03-26", "team": ["inv-amara", "inv-bruno"],
        ]
    }

    @Test func anOIGLeadOpensAnAuditThatEntersTheAuditPlan() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            let opened = try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: Self.audit)
            #expect(opened.status == .created, "\(String(decoding: opened.body, as: UTF8.self))")
            let audit = try opened.decode(APIBody.Case.self)
            #expect(opened.headers[.location] == "/v1/cases/\(audit.reference)")
            #expect(opened.etag == "\"\(audit.version)\"")
            #expect(audit.view == "full")
            #expect(audit.kind == "audit")
            #expect(audit.office == "OIG")
            #expect(audit.state == "planned")
            #expect(audit.filedBy == nil, "planned work has no reporter")
            #expect(audit.narrative == "Contracts awarded in 2025 and 2026")
            #expect(
                audit.plan == [
                    "planned_by": "OIG", "scope": "Contracts awarded in 2025 and 2026", "entity": "Nairobi", "entity_type": "country_office",
                    "planned_start": "2027-01-11", "planned_end": "2027-03-26", "team": "inv-amara,inv-bruno",
                ])
            #expect(audit.region == "Africa")
            #expect(audit.countryOffice == "Nairobi")

            // The audit plan is the queue with the kind filter.
            #expect(try await page(api, lead, "OIG", "kind=audit") == [audit.reference])
            #expect(try await page(api, lead, "OIG", "kind=investigation").isEmpty)

            // The history names who opened it; the chain verifies.
            let events = try await api.call(.get, "/v1/cases/\(audit.reference)/events", token: lead).decode(APIBody.List<APIBody.Event>.self)
            #expect(events.items.map(\.kind) == ["opened"])
            #expect(events.items.first?.actor == "oig-lead")
            #expect(events.items.first?.data["kind"] == "audit")
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
            #expect(try await api.count("SELECT count(*) AS n FROM outbox WHERE kind = 'case_opened'") == 1)

            // It follows its workflow: assigned, then the engagement notified.
            #expect(try await api.call(.post, "/v1/cases/\(audit.reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let notified = try await api.transition(audit.reference, "notify_engagement", token: lead)
            #expect(notified.status == .ok, "\(String(decoding: notified.body, as: UTF8.self))")
            #expect(try notified.decode(APIBody.Case.self).state == "engagement_notified")
        }
    }

    @Test func anEvaluationIsOpenedByEvaluationAndMonitoringOnly() async throws {
        try await CaseAPIHarness.run { api in
            let evmHead = try await api.token("evm-head", "EVM:head")
            let body: [String: Any] = ["kind": "evaluation", "title": "Country programme evaluation, Asia", "entity": "Asia"]
            let opened = try await api.call(.post, "/v1/offices/EVM/cases", token: evmHead, body: body)
            #expect(opened.status == .created)
            let evaluation = try opened.decode(APIBody.Case.self)
            #expect(evaluation.plan?["entity_type"] == "region")
            #expect(try await page(api, evmHead, "EVM", "kind=evaluation") == [evaluation.reference])

            // OIG does not open evaluations, nor EVM audits.
            let oigLead = try await api.token("oig-lead", "OIG:lead")
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: oigLead, body: body), .unprocessableContent, "/problems/not-planned-work")
            var audit = Self.audit
            audit["kind"] = "audit"
            try expectProblem(
                try await api.call(.post, "/v1/offices/EVM/cases", token: evmHead, body: audit), .unprocessableContent, "/problems/not-planned-work")
            // Investigations are filed, never opened as planned work.
            audit["kind"] = "investigation"
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: oigLead, body: audit), .unprocessableContent, "/problems/not-planned-work")
        }
    }

    @Test func onlyTheOfficesLeadsAndHeadOpenItsPlannedWork() async throws {
        try await CaseAPIHarness.run { api in
            for (who, role) in [("inv-amara", "OIG:officer"), ("hr-fatima", "HRM:staff"), ("evm-lead", "EVM:lead"), ("dg", "ODG:executive")] {
                let token = try await api.token(who, role)
                try expectProblem(
                    try await api.call(.post, "/v1/offices/OIG/cases", token: token, body: Self.audit), .forbidden, "/problems/forbidden")
            }
            let head = try await api.token("ig", "OIG:head")
            #expect(try await api.call(.post, "/v1/offices/OIG/cases", token: head, body: Self.audit).status == .created)
            try expectProblem(try await api.call(.post, "/v1/offices/NOPE/cases", token: head, body: Self.audit), .forbidden, "/problems/forbidden")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
        }
    }

    @Test func aPlanThatCannotBeIsRefusedAndWritesNothing() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            func with(_ changes: [String: Any]) -> [String: Any] { Self.audit.merging(changes) { $1 } }
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: with(["planned_end": "2026-12-01"])),
                .unprocessableContent, "/problems/invalid-plan")
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: with(["entity": "OIG"])),
                .unprocessableContent, "/problems/invalid-plan")
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: with(["planned_start": "next spring"])),
                .badRequest, "/problems/bad-request")
            try expectProblem(
                try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: with(["narrative": "not a field here"])),
                .badRequest, "/problems/unknown-field")
            var untitled = Self.audit
            untitled["title"] = nil
            try expectProblem(try await api.call(.post, "/v1/offices/OIG/cases", token: lead, body: untitled), .badRequest, "/problems/bad-request")
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
        }
    }

    func page(_ api: CaseAPIHarness, _ token: String, _ office: String, _ query: String) async throws -> [String] {
        let reply = try await api.call(.get, "/v1/offices/\(office)/queue?\(query)", token: token)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        return try reply.decode(QueueTests.Page.self).references
    }

    func expectProblem(
        _ reply: CaseAPIHarness.Reply, _ status: HTTPResponse.Status, _ type: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(reply.status == status, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(reply.problemType == type, sourceLocation: sourceLocation)
    }
}
