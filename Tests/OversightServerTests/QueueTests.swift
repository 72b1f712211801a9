import Foundation
import HTTPTypes
import PostgresClient
import PostgresTestSupport
import Testing

/// `GET /v1/offices/{office}/queue`: order, filters, keyset pages, tamper-evident cursors,
/// and who sees which cases.
@Suite(.temporaryPostgres)
struct QueueTests {
    struct Page: Decodable {
        struct Item: Decodable {
            let reference: String
            let kind: String
            let state: String
            let category: String
            let priority: String
            let assignee: String?
            let region: String?
            let dueAt: Date?
            let overdue: Bool
        }

        let cases: [Item]
        let nextCursor: String?

        var references: [String] { cases.map(\.reference) }
    }

    /// One page of `office`'s queue; the request must succeed.
    func page(
        _ api: CaseAPIHarness, _ token: String, office: String = "OIG", _ query: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Page {
        let reply = try await api.call(.get, "/v1/offices/\(office)/queue\(query.isEmpty ? "" : "?" + query)", token: token)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        return try reply.decode(Page.self)
    }

    func expectProblem(
        _ reply: CaseAPIHarness.Reply, _ status: HTTPResponse.Status, _ type: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(reply.status == status, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(try reply.decode(APIBody.Problem.self).type == type, sourceLocation: sourceLocation)
    }

    /// Every page from the first, following `next_cursor`; stops after `maximumPages`.
    func allPages(_ api: CaseAPIHarness, _ token: String, limit: Int, maximumPages: Int = 20) async throws -> [Page] {
        var pages: [Page] = []
        var cursor: String?
        repeat {
            let page = try await page(api, token, "limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            pages.append(page)
            cursor = page.nextCursor
        } while cursor != nil && pages.count < maximumPages
        return pages
    }

    // MARK: - Order

    @Test func urgentFirstThenHighThenNormalEarlierDueFirstWithin() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let fraudOld = try await api.file(staff, category: "fraud")
            let abuseOld = try await api.file(staff, category: "sexual_exploitation_and_abuse")
            let harassmentOld = try await api.file(staff, category: "sexual_harassment")
            // Six hours on: nothing is overdue yet, and every due date differs.
            api.clock.advance(days: 0.25)
            let fraudNew = try await api.file(staff, category: "fraud")
            let abuseNew = try await api.file(staff, category: "sexual_exploitation_and_abuse")
            let harassmentNew = try await api.file(staff, category: "sexual_harassment")
            let fraudNewer = try await api.file(staff, category: "fraud")
            // Assessment moves the oldest fraud case's due date weeks out: it now sorts after
            // the younger fraud cases still due for triage within 72 hours.
            #expect(try await api.transition(fraudOld, "begin_assessment", token: lead).status == .ok)

            let queue = try await page(api, lead)
            #expect(queue.cases.map(\.priority) == ["urgent", "urgent", "high", "high", "normal", "normal", "normal"])
            #expect(queue.references == [abuseOld, abuseNew, harassmentOld, harassmentNew, fraudNew, fraudNewer, fraudOld])
            #expect(queue.cases.allSatisfy { $0.kind == "investigation" && !$0.overdue })
            #expect(queue.nextCursor == nil)
        }
    }

    // MARK: - Filters

    @Test func filtersNarrowTheQueue() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let abuse = try await api.file(staff, category: "sexual_exploitation_and_abuse")
            let harassment = try await api.file(staff, category: "sexual_harassment")
            let fraudEurope = try await api.file(staff, category: "fraud")
            let fraudAfrica = try await api.file(staff, category: "fraud", region: "Africa")
            #expect(try await api.call(.post, "/v1/cases/\(fraudEurope)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(try await api.transition(harassment, "begin_assessment", token: lead).status == .ok)

            #expect(try await page(api, lead, "priority=urgent").references == [abuse])
            #expect(try await page(api, lead, "priority=high").references == [harassment])
            #expect(try await page(api, lead, "category=fraud").references == [fraudEurope, fraudAfrica])
            #expect(try await page(api, lead, "unassigned=true").references == [abuse, harassment, fraudAfrica])
            #expect(try await page(api, lead, "unassigned=false").references == [abuse, harassment, fraudEurope, fraudAfrica])
            let assigned = try await page(api, lead, "assignee=inv-amara")
            #expect(assigned.references == [fraudEurope])
            #expect(assigned.cases.first?.assignee == "inv-amara")
            #expect(try await page(api, lead, "state=received").references == [abuse, fraudEurope, fraudAfrica])
            #expect(try await page(api, lead, "state=preliminary_assessment").references == [harassment])
            let africa = try await page(api, lead, "region=Africa")
            #expect(africa.references == [fraudAfrica])
            #expect(africa.cases.first?.region == "Africa")
            #expect(try await page(api, lead, "category=fraud&region=Europe").references == [fraudEurope])

            #expect(try await page(api, lead, "overdue=true").cases.isEmpty)
            api.clock.advance(days: 5)
            // Triage was due within 24 or 72 hours; the case under assessment is due weeks out.
            let overdue = try await page(api, lead, "overdue=true")
            #expect(overdue.references == [abuse, fraudEurope, fraudAfrica])
            #expect(overdue.cases.allSatisfy { $0.overdue })
            let everything = try await page(api, lead)
            #expect(everything.cases.filter { !$0.overdue }.map(\.reference) == [harassment])
        }
    }

    @Test func badFilterValuesAre400() async throws {
        try await CaseAPIHarness.run { api in
            let lead = try await api.token("oig-lead", "OIG:lead")
            for query in ["priority=soon", "unassigned=maybe", "overdue=perhaps", "limit=0", "limit=-3", "limit=many"] {
                try expectProblem(try await api.call(.get, "/v1/offices/OIG/queue?\(query)", token: lead), .badRequest, "/problems/bad-request")
            }
        }
    }

    // MARK: - Pages

    @Test func keysetPagesCoverTheQueueOnceInOrder() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            // Mixed priorities, so pages cross from one priority to the next.
            for category in [
                "fraud", "sexual_exploitation_and_abuse", "sexual_harassment", "fraud", "sexual_exploitation_and_abuse",
                "fraud", "sexual_harassment",
            ] {
                _ = try await api.file(staff, category: category)
            }
            let whole = try await page(api, lead, "limit=1000")
            #expect(whole.cases.count == 7)
            #expect(whole.nextCursor == nil)
            #expect(try await page(api, lead, "limit=7").nextCursor == nil)

            let pages = try await allPages(api, lead, limit: 3)
            #expect(pages.map(\.cases.count) == [3, 3, 1])
            #expect(pages.map { $0.nextCursor != nil } == [true, true, false])
            let paged = pages.flatMap(\.references)
            #expect(paged == whole.references)
            #expect(Set(paged).count == 7)
        }
    }

    @Test func casesWithoutADueDatePageAfterTheRest() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            var references: [String] = []
            for _ in 0..<4 { references.append(try await api.file(staff, category: "workplace_concern", title: "A difficult manager")) }
            // An ombuds case owes nothing by a date (not even triage): its due date is infinity.
            for reference in references.dropFirst() {
                let reply = try await api.transition(
                    reference, "hold_intake_conversation", token: ombudsperson, fields: ["consent_scope": "informal"])
                #expect(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
            }
            let whole = try await page(api, ombudsperson, office: "OMB")
            #expect(whole.references == references)
            #expect(whole.cases.map { $0.dueAt == nil } == [true, true, true, true])
            var paged: [String] = []
            var cursor: String?
            repeat {
                let reply = try await page(api, ombudsperson, office: "OMB", "limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                paged += reply.references
                cursor = reply.nextCursor
            } while cursor != nil && paged.count < 10
            #expect(paged == references)
        }
    }

    @Test func pagesAreCappedAt100() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            for _ in 0..<105 { _ = try await api.file(staff) }
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 105)

            let first = try await page(api, lead, "limit=1000")
            #expect(first.cases.count == 100)
            let cursor = try #require(first.nextCursor)
            let rest = try await page(api, lead, "limit=1000&cursor=\(cursor)")
            #expect(rest.cases.count == 5)
            #expect(rest.nextCursor == nil)
            #expect(Set(first.references + rest.references).count == 105)
            #expect(try await page(api, lead).cases.count == 50)
        }
    }

    @Test func aTamperedCursorIsRefused() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let first = try await api.file(staff)
            let second = try await api.file(staff)
            let page1 = try await page(api, lead, "limit=1")
            #expect(page1.references == [first])
            let cursor = try #require(page1.nextCursor)
            #expect(try await page(api, lead, "limit=1&cursor=\(cursor)").references == [second])

            let parts = cursor.split(separator: ".").map(String.init)
            try #require(parts.count == 2)
            // The first character of each part: a last character may only carry padding bits.
            func flipFirst(_ text: String) -> String { (text.first == "A" ? "B" : "A") + text.dropFirst() }
            for tampered in [
                flipFirst(parts[0]) + "." + parts[1], parts[0] + "." + flipFirst(parts[1]), parts[0], "not-a-cursor",
                parts[0] + "." + parts[1] + "." + parts[1],
            ] {
                let reply = try await api.call(.get, "/v1/offices/OIG/queue?limit=1&cursor=\(tampered)", token: lead)
                try expectProblem(reply, .badRequest, "/problems/invalid-cursor")
            }
        }
    }

    // MARK: - Who sees what

    @Test func anOIGOfficerSeesOnlyTheirAssignedCases() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let bruno = try await api.token("inv-bruno", "OIG:officer")
            let amara = try await api.token("inv-amara", "OIG:officer")
            let unassigned = try await api.file(staff)
            let brunos = try await api.file(staff)
            #expect(try await api.call(.post, "/v1/cases/\(brunos)/assignment", token: lead, body: ["assignee": "inv-bruno"]).status == .ok)

            #expect(try await page(api, bruno).references == [brunos])
            #expect(try await page(api, amara).cases.isEmpty)
            #expect(try await page(api, amara, "unassigned=true").cases.isEmpty)
            #expect(try await page(api, lead).references == [unassigned, brunos])
        }
    }

    @Test func anECOOfficerSeesTheOfficesUnassignedCases() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let chen = try await api.token("eco-chen", "ECO:officer")
            let review = try await api.file(staff, category: "retaliation", title: "Demoted after reporting")
            let advice = try await api.file(staff, category: "ethics_question", title: "May I accept a gift?")
            #expect(try await api.office(of: review) == "ECO")
            #expect(try await api.office(of: advice) == "ECO")
            let queue = try await page(api, chen, office: "ECO")
            #expect(Set(queue.references) == [review, advice])
            #expect(queue.cases.allSatisfy { $0.assignee == nil })
        }
    }

    @Test func theQueueIsForTheOfficesCaseRolesOnly() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let chen = try await api.token("eco-chen", "ECO:officer")
            _ = try await api.file(staff)
            try expectProblem(try await api.call(.get, "/v1/offices/OIG/queue", token: chen), .forbidden, "/problems/forbidden")
            try expectProblem(try await api.call(.get, "/v1/offices/OIG/queue", token: staff), .forbidden, "/problems/forbidden")
        }
    }

    @Test func restrictedAndSealedCasesStayOutOfTheQueuesOfThoseKeptFromThem() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let amara = try await api.token("inv-amara", "OIG:officer")
            let bruno = try await api.token("inv-bruno", "OIG:officer")
            let chair = try await api.token("aoac-chair", "AOAC:head")
            // A subject works in OIG: the case stays there, for its head alone until assigned.
            let restricted = try await api.file(staff, subjects: ["inv-bruno"])
            // The Inspector General is named: the case goes to the alternate, sealed from OIG.
            let sealed = try await api.file(staff, subjects: ["ig"])
            let plain = try await api.file(staff)
            #expect(try await api.office(of: restricted) == "OIG")
            #expect(try await api.office(of: sealed) == "AOAC")

            #expect(try await page(api, lead).references == [plain])
            #expect(try await page(api, head).references == [restricted, plain])
            #expect(try await page(api, bruno).cases.isEmpty)
            #expect(try await page(api, chair, office: "AOAC").references == [sealed])

            #expect(try await api.call(.post, "/v1/cases/\(restricted)/assignment", token: head, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(try await page(api, amara).references == [restricted])
            #expect(try await page(api, lead).references == [plain])
        }
    }

    @Test func aLeadDoesNotSeeTheirOwnFilingInTheQueue() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let others = try await api.file(staff)
            let own = try await api.file(lead, title: "Seen in my own office")
            #expect(try await page(api, lead).references == [others])
            #expect(try await page(api, head).references == [others, own])
        }
    }
}
