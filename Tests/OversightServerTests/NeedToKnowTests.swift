import Foundation
import HTTPTypes
import OversightDomain
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Who reported is need-to-know (DOMAIN.md): only the lead, the head and, where the workflow
/// says so, the assigned officer learn it. Everywhere else (history, comments, parties,
/// outbox, logs) the reporter is the role "reporter", decided when the row is written. A
/// closed ombuds case keeps nothing that links a person to it.
@Suite(.temporaryPostgres)
struct NeedToKnowTests {
    /// Every row of every table of the schema, as text (XML), read past row security.
    func everyRow(_ api: CaseAPIHarness) async throws -> [(table: String, row: String)] {
        // query_to_xml runs the per-table query server-side; table names come from the catalog.
        let rows = try await api.adminPool.query(
            """
            SELECT tablename, unnest(xpath('/table/row', query_to_xml(format('SELECT t::text AS r FROM %I t', tablename), true, false, '')))::text AS row
            FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'staff_directory' ORDER BY tablename
            """)
        return try rows.map { (try $0.decode("tablename", as: String.self), try $0.decode("row", as: String.self)) }
    }

    @Test func theReporterIsARoleInTheHistoryCommentsPartiesAndOutbox() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let ethicsHead = try await api.token("ethics-head", "ECO:head")
            // ECO shares every case with every officer: exactly where the filer would leak.
            let chen = try await api.token("eco-chen", "ECO:officer")
            let reference = try await api.file(filer, category: "retaliation", title: "Demoted after reporting")
            #expect(try await api.office(of: reference) == "ECO")
            let message = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: filer,
                body: ["body": "More details from me", "visibility": "reporter"])
            #expect(message.status == .created)
            let coReporter = try await api.call(
                .post, "/v1/cases/\(reference)/parties", token: ethicsHead,
                body: ["person_id": "fin-gus", "role": "reporter"])
            #expect(coReporter.status == .created)

            // An officer who is not assigned sees the case but not who reported it.
            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: chen)
            #expect(try shown.decode(APIBody.Case.self).view == "officer")
            #expect(try shown.decode(APIBody.Case.self).filedBy == nil)
            let eventsReply = try await api.call(.get, "/v1/cases/\(reference)/events", token: chen)
            let eventText = String(decoding: eventsReply.body, as: UTF8.self)
            #expect(!eventText.contains("hr-fatima"))
            #expect(!eventText.contains("fin-gus"))
            #expect(try eventsReply.decode(APIBody.List<APIBody.Event>.self).items.first?.actor == "reporter")
            let comments = try await api.call(.get, "/v1/cases/\(reference)/comments", token: chen).decode(APIBody.List<APIBody.Comment>.self)
            #expect(comments.items.map(\.author) == ["reporter"])
            let parties = try await api.call(.get, "/v1/cases/\(reference)/parties", token: chen).decode(APIBody.List<APIBody.Party>.self)
            #expect(parties.items.map(\.personId) == ["reporter"])

            // The head sees who reported, and the co-reporter by name.
            let full = try await api.call(.get, "/v1/cases/\(reference)", token: ethicsHead)
            #expect(try full.decode(APIBody.Case.self).filedBy == "hr-fatima")
            let headParties = try await api.call(.get, "/v1/cases/\(reference)/parties", token: ethicsHead).decode(APIBody.List<APIBody.Party>.self)
            #expect(headParties.items.map(\.personId) == ["fin-gus"])

            // Behind the API: the filer's id is nowhere in clear (the case row holds its tag and
            // the id sealed), and the co-reporter's only in the parties tables.
            let rows = try await everyRow(api)
            #expect(rows.contains { $0.table == "cases" && $0.row.contains(api.store.keyRing.filerTag("hr-fatima")) }, "the scan reads the case row")
            #expect(try await api.sealedFiler(reference) == "hr-fatima")
            for (table, row) in rows where row.contains("hr-fatima") {
                Issue.record("\(table) holds the filer's id in clear: \(row)")
            }
            for (table, row) in try await everyRow(api) where row.contains("fin-gus") {
                #expect(["cases", "case_parties"].contains(table), "\(table) holds the co-reporter's id: \(row)")
            }
            #expect(try await api.count("SELECT count(*) AS n FROM outbox") > 0)
        }
    }

    @Test func onlyTheCallerReadsTheirIdempotencyRecord() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let filed = try await api.call(
                .post, "/v1/cases", token: filer,
                body: [
                    "category": "retaliation", "title": "Demoted after reporting", "narrative": "n",
                    "answers": PlainAnswers.json("retaliation"),
                ],
                headers: [HTTPField.Name("Idempotency-Key")!: "mine-1"])
            #expect(filed.status == .created)
            // Row security, as the application login acting for each person: the ECO officer
            // works the case (the office shares) but may not read who filed it from here.
            let sharing = ["ECO", "EVM", "OMB", "OSS"]
            let chen = Actor(id: "eco-chen", memberships: [OfficeMembership(office: OfficeCode("ECO")!, role: .officer)])
            let fatima = Actor(id: "hr-fatima", memberships: [OfficeMembership(office: OfficeCode("HRM")!, role: .staff)])
            for (actor, expected) in [(chen, 0), (fatima, 1)] {
                let seen = try await api.store.pool.withTransaction { connection in
                    SessionScope.person(actor).apply(sharingOffices: sharing, keys: api.store.keyRing, connection)
                    return try connection.query("SELECT count(*) AS n FROM idempotency_keys")[0].decode("n", as: Int.self)
                }
                #expect(seen == expected, "\(actor.id)")
            }
        }
    }

    @Test func theAssignedOfficerLearnsWhoReportedWhereTheWorkflowSaysSo() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let ethicsHead = try await api.token("ethics-head", "ECO:head")
            let chen = try await api.token("eco-chen", "ECO:officer")
            let review = try await api.file(filer, category: "retaliation", title: "Demoted after reporting")
            #expect(try await api.call(.get, "/v1/cases/\(review)", token: chen).decode(APIBody.Case.self).filedBy == nil)
            #expect(try await api.call(.post, "/v1/cases/\(review)/assignment", token: ethicsHead, body: ["assignee": "eco-chen"]).status == .ok)
            // retaliation_review.yaml: assignee_sees_reporter: true.
            #expect(try await api.call(.get, "/v1/cases/\(review)", token: chen).decode(APIBody.Case.self).filedBy == "hr-fatima")

            // audit.yaml says nothing: an assigned officer of such a workflow would not learn it.
            let workflow = try #require(api.store.configuration.workflow(CaseKind("audit")))
            #expect(!workflow.assigneeSeesReporter)
        }
    }

    @Test func noLogLineTiesAReporterToTheirCase() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(filer)
            _ = try await api.call(.post, "/v1/cases/\(reference)/comments", token: filer, body: ["body": "more", "visibility": "reporter"])
            _ = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            _ = try await api.call(.get, "/v1/offices/OIG/queue?assignee=inv-amara&region=Europe", token: lead)
            let ombuds = try await api.file(filer, category: "workplace_concern", title: "My manager")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            #expect(
                try await api.transition(ombuds, "hold_intake_conversation", token: ombudsperson, fields: ["consent_scope": "only me"]).status == .ok)

            let lines = api.loggedLines
            #expect(!lines.isEmpty)
            for line in lines {
                #expect(!(line.contains("hr-fatima") && line.contains(reference)), "\(line)")
                #expect(!line.contains(ombuds), "an ombuds case's reference is logged: \(line)")
                #expect(!line.contains("inv-amara"), "a query string is logged: \(line)")
            }
            // The access log names routes, not paths.
            #expect(lines.contains { $0.contains("route=/v1/cases/{reference}") })
        }
    }

    // MARK: - A closed ombuds case keeps nothing identifying

    @Test func aClosedOmbudsCaseKeepsNothingThatLinksAPersonToIt() async throws {
        try await CaseAPIHarness.run { api in
            let visitor = try await api.token("hr-fatima", "HRM:staff")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            let filing = try await api.call(
                .post, "/v1/cases", token: visitor,
                body: [
                    "category": "workplace_concern", "title": "Title only the visitor wrote", "narrative": "Narrative only the visitor wrote",
                    "region": "Europe", "country_office": "Vienna", "location": "Floor seven", "subjects": ["fin-gus"],
                ], headers: [HTTPField.Name("Idempotency-Key")!: "visitor-key-1"])
            #expect(filing.status == .created)
            let reference = try filing.decode(APIBody.Filing.self).reference
            _ = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: visitor, body: ["body": "Message only the visitor wrote", "visibility": "reporter"])
            _ = try await api.call(
                .post, "/v1/cases/\(reference)/comments", token: ombudsperson, body: ["body": "Note naming fin-gus", "visibility": "internal"])
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(reference)/parties", token: ombudsperson,
                    body: ["person_id": "hr-witness", "role": "witness"]
                ).status == .created)
            for (transition, fields) in [
                ("hold_intake_conversation", ["consent_scope": "ombuds only"]), ("explore_options", [:]),
                ("close_self_help", ["ioa_category": "evaluative_relationships", "visitor_type": "staff"]),
            ] {
                let reply = try await api.transition(reference, transition, token: ombudsperson, fields: fields)
                #expect(reply.status == .ok, "\(transition): \(String(decoding: reply.body, as: UTF8.self))")
            }

            let identifying = [
                "hr-fatima", "fin-gus", "hr-witness", "Vienna", "Floor seven", "Title only the visitor wrote",
                "Narrative only the visitor wrote", "Message only the visitor wrote", "Note naming", "visitor-key-1",
            ]
            let rows = try await everyRow(api)
            #expect(rows.contains { $0.table == "cases" && $0.row.contains(reference) }, "the scan reads the case row")
            #expect(rows.contains { $0.table == "case_events" }, "the scan reads the history")
            for (table, row) in rows {
                for value in identifying {
                    #expect(!row.contains(value), "\(table) still holds \"\(value)\": \(row)")
                }
            }
            // The case's key is destroyed; the history still verifies, facts and all.
            #expect(try await api.count("SELECT count(*) AS n FROM case_keys WHERE key IS NULL AND destroyed_at IS NOT NULL") == 1)
            let report = try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            #expect(report.firstBreak == nil, "\(String(describing: report.firstBreak))")
            // What the IOA statistics need stays.
            let row = try #require(
                try await api.adminPool.query(
                    """
                    SELECT category, region, outcome, opened_at, closed_at, snapshot -> 'fields' -> 'ioa_category' ->> 'value' AS ioa,
                           snapshot -> 'fields' -> 'visitor_type' ->> 'value' AS visitor
                    FROM cases WHERE reference = \(reference)
                    """
                ).first)
            #expect(try row.decode("category", as: String.self) == "workplace_concern")
            #expect(try row.decode("region", as: String?.self) == "Europe")
            #expect(try row.decode("outcome", as: String?.self) == "self_help")
            #expect(try row.decode("closed_at", as: Date?.self) != nil)
            #expect(try row.decode("ioa", as: String?.self) == "evaluative_relationships")
            #expect(try row.decode("visitor", as: String?.self) == "staff")
            // And the visitor no longer finds it among their filings: nothing ties them to it.
            let own = try await api.call(.get, "/v1/cases?filed_by=me", token: visitor)
            #expect(try own.decode(APIBody.CaseList.self).cases.isEmpty)
        }
    }

    // MARK: - Recusal and what a reporter can watch

    @Test func aSubjectStaysBlindWhateverRolesAreAddedToThem() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let gus = try await api.token("fin-gus", "FIN:staff")
            let reference = try await api.file(filer, subjects: ["fin-gus"])
            for role in ["reporter", "witness"] {
                #expect(
                    try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "fin-gus", "role": role]).status
                        == .created)
                #expect(try await api.call(.get, "/v1/cases/\(reference)", token: gus).status == .notFound, "subject added as \(role)")
                #expect(try await api.call(.get, "/v1/cases/\(reference)/comments", token: gus).status == .notFound)
            }
            // A filer later named as subject loses even the reporter view.
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "hr-fatima", "role": "subject"]).status
                    == .created)
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: filer).status == .notFound)
            // Nobody records their own conflict (it would hide the case from them mid-change).
            let own = try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "oig-lead", "role": "conflicted"])
            #expect(own.status == .conflict)
            #expect(own.problemType == "/problems/cannot-name-yourself")
        }
    }

    @Test func theHeadWhoWasEverTheAssigneeCannotApproveTheClose() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let inspectorGeneral = try await api.token("ig", "OIG:head")
            let reference = try await api.file(filer)
            // The Inspector General works the case, then it is handed to an investigator.
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "ig"]).status == .ok)
            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let close = try await api.transition(reference, "close_no_action", token: inspectorGeneral, note: "nothing here")
            #expect(close.problemType == "/problems/transition-guard-failed", "\(String(decoding: close.body, as: UTF8.self))")
            // Another head, who never worked it, may (control).
            let deputy = try await api.token("ig-deputy", "OIG:head")
            #expect(try await api.transition(reference, "close_no_action", token: deputy, note: "nothing here").status == .ok)
        }
    }

    @Test func theReporterViewChangesOnlyWithWhatTheReporterCanSee() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(filer)
            let first = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            let firstVersion = try first.decode(APIBody.Case.self).version
            // Internal work: assignment, an internal note, an escalation, a party.
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "note", "visibility": "internal"]).status
                    == .created)
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "fin-gus", "role": "witness"]).status
                    == .created)
            #expect(try await api.store.escalateOverdue(at: api.clock.now().addingTimeInterval(10 * 86_400)) > 0)
            let afterInternal = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            #expect(afterInternal.etag == first.etag)
            #expect(try afterInternal.decode(APIBody.Case.self).version == firstVersion)
            // The officer's view did move.
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).decode(APIBody.Case.self).version > 4)

            // A message to the reporter and a status change move it.
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "update", "visibility": "reporter"]).status
                    == .created)
            let afterMessage = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            #expect(afterMessage.etag != first.etag)
            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            let afterStatus = try await api.call(.get, "/v1/cases/\(reference)", token: filer)
            #expect(afterStatus.etag != afterMessage.etag)
            #expect(try afterStatus.decode(APIBody.Case.self).status == "under_assessment")
        }
    }
}
