import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

@testable import OversightServer

/// Bugs a review found, each held down by a test.
@Suite(.temporaryPostgres)
struct ReviewFindingsTests {
    @Test func anOmbudsCaseOwesNothingByADateAndNeverEscalates() async throws {
        try await CaseAPIHarness.run { api in
            let visitor = try await api.token("hr-fatima", "HRM:staff")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            let reference = try await api.file(visitor, category: "workplace_concern", title: "My manager")
            let shown = try await api.call(.get, "/v1/cases/\(reference)", token: ombudsperson)
            #expect(try shown.decode(APIBody.Case.self).dueAt == nil)
            #expect(try await api.store.escalateOverdue(at: api.clock.now().addingTimeInterval(60 * 86_400)) == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM escalations") == 0)
        }
    }

    @Test func aCaseWhoseWorkflowCannotBeReadDoesNotStallTheSweeper() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let broken = try await api.file(staff, title: "pinned to an unreadable workflow")
            let ordinary = try await api.file(staff, title: "an ordinary case")
            try await api.adminPool.withTransaction { connection in
                let version: Int = try connection.query(
                    """
                    INSERT INTO workflow_versions (kind, sha256, definition)
                    VALUES ('investigation', repeat('0', 64), '{"source": "not: [a workflow"}') RETURNING id
                    """)[0].decode("id")
                try connection.execute(
                    """
                    UPDATE cases SET workflow_version_id = \(version), next_escalation_at = now() - interval '30 days' WHERE reference = \(broken)
                    """)
            }
            let later = api.clock.now().addingTimeInterval(10 * 86_400)
            // One case a sweep: the unreadable one comes first, and must not come back.
            var escalated = 0
            for _ in 0..<4 { escalated += try await api.store.escalateOverdue(at: later, batch: 1) }
            #expect(escalated == 3)  // the ordinary case's triage (levels 1 and 2: a week over) and acknowledgement
            #expect(
                try await api.count(
                    """
                    SELECT count(*) AS n FROM escalations e JOIN cases c ON c.id = e.case_id WHERE c.reference = \(ordinary)
                    """) == 3)
            #expect(
                try await api.count(
                    """
                    SELECT count(*) AS n FROM cases WHERE reference = \(broken) AND next_escalation_at = 'infinity'
                    """) == 1)
        }
    }

    @Test func anImpossibleStoredValueIsAnErrorNotAPlausibleDefault() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)
            _ = try await api.adminPool.query("UPDATE cases SET office = 'nowhere' WHERE reference = \(reference)")
            let error = await #expect(throws: StoredValueError.self) {
                try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            }
            #expect(error?.column == "office")
        }
    }

    @Test func topicsRegionsAndCountryOfficesComeFromConfig() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let atlantis = try await api.call(
                .post, "/v1/cases", token: staff,
                body: [
                    "category": "fraud", "title": "t", "narrative": "n", "region": "Atlantis",
                ])
            #expect(atlantis.status == .unprocessableContent)
            #expect(atlantis.problemType == "/problems/unknown-place")
            let misplaced = try await api.call(
                .post, "/v1/cases", token: staff,
                body: [
                    "category": "fraud", "title": "t", "narrative": "n", "region": "Europe", "country_office": "Nairobi",
                ])
            #expect(misplaced.problemType == "/problems/unknown-place")
            let advice = try await api.file(staff, category: "ethics_question", title: "May I accept a gift?")
            let head = try await api.token("ethics-head", "ECO:head")
            let free = try await api.transition(advice, "begin_review", token: head, fields: ["topic": "anything I like"])
            #expect(free.status == .unprocessableContent)
            #expect(free.problemType == "/problems/transition-invalid-choice")
            #expect(try await api.transition(advice, "begin_review", token: head, fields: ["topic": "gifts_hospitality"]).status == .ok)
        }
    }

    @Test func queueCursorsVerifyOnEveryReplica() throws {
        var settings = ServiceSettings()
        settings.jwksFile = "/etc/oversight/jwks.json"
        // Only a JWKS and no cursor secret: refused, rather than a key no other replica knows.
        #expect(throws: QueueCursorCodec.MissingSecret.self) { try QueueCursorCodec.resolve(settings, developmentSecretFile: nil) }
        settings.cursorSecret = "cursor-secret-shared-by-every-replica-0123"
        let first = try QueueCursorCodec.resolve(settings, developmentSecretFile: nil)
        let second = try QueueCursorCodec.resolve(settings, developmentSecretFile: nil)
        let position = QueuePosition(
            priorityRank: 2, dueAt: Date(timeIntervalSince1970: 1_800_000_000), openedAt: Date(timeIntervalSince1970: 1_790_000_000), id: UUID())
        #expect(try second.decode(try first.encode(position)) == position)
        let settingsFromEnvironment = try ServiceSettings.load(environment: ["OVERSIGHT_CURSOR_SECRET": "cursor-secret-shared-by-every-replica-0123"])
        #expect(settingsFromEnvironment.cursorSecret == settings.cursorSecret)
    }
}

/// Conflict routing applies when a subject is named later, as at filing.
@Suite(.temporaryPostgres)
struct ReroutingTests {
    @Test func namingTheHeadOfTheOfficeLaterMovesTheCaseToTheAlternateSealed() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let chair = try await api.token("aoac-chair", "AOAC:head")
            let reference = try await api.file(staff)
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let named = try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "ig", "role": "subject"])
            #expect(named.status == .created)
            #expect(try await api.office(of: reference) == "AOAC")
            // The whole of OIG loses sight of it, the lead who named the subject included.
            for token in [lead, try await api.token("ig", "OIG:head"), try await api.token("inv-amara", "OIG:officer")] {
                #expect(try await api.call(.get, "/v1/cases/\(reference)", token: token).status == .notFound)
            }
            let atAlternate = try await api.call(.get, "/v1/cases/\(reference)", token: chair)
            #expect(atAlternate.status == .ok)
            #expect(try atAlternate.decode(APIBody.Case.self).assignee == nil)
            #expect(try atAlternate.decode(APIBody.Case.self).conflict == "subject_heads_receiving_office")
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: chair).decode(APIBody.List<APIBody.Event>.self)
            #expect(events.items.contains { $0.kind == "rerouted" })
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
            #expect(try await api.count("SELECT count(*) AS n FROM outbox WHERE kind = 'case_filed' AND payload ->> 'office' = 'AOAC'") == 1)
        }
    }

    @Test func namingAnOfficerOfTheOfficeLaterRestrictsTheCaseToTheHead() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/parties", token: lead, body: ["person_id": "inv-bruno", "role": "subject"]).status
                    == .created)
            #expect(try await api.office(of: reference) == "OIG")
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).status == .notFound)
            let head = try await api.call(.get, "/v1/cases/\(reference)", token: try await api.token("ig", "OIG:head"))
            #expect(head.status == .ok)
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
        }
    }
}

/// An investigation's referral opens a case at the office it names, carrying the referral
/// note rather than the whole file.
@Suite(.temporaryPostgres)
struct ReferralTests {
    func referred(_ api: CaseAPIHarness, to office: String, fields: [String: Any] = [:]) async throws -> (
        reference: String, reply: CaseAPIHarness.Reply
    ) {
        let staff = try await api.token("hr-fatima", "HRM:staff")
        let lead = try await api.token("oig-lead", "OIG:lead")
        let head = try await api.token("ig", "OIG:head")
        let reference = try await api.file(staff, title: "Gifts from a supplier")
        #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
        let reply = try await api.transition(
            reference, "refer", token: head, note: "For the Ethics Office: a conflict of interest, not fraud",
            fields: fields.merging(["referred_to": office]) { a, _ in a })
        return (reference, reply)
    }

    @Test func aReferralToTheEthicsOfficeOpensALinkedCaseWithTheNoteOnly() async throws {
        try await CaseAPIHarness.run { api in
            let (reference, reply) = try await referred(api, to: "ECO")
            #expect(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
            let head = try await api.token("ig", "OIG:head")
            let links = try #require(try await api.call(.get, "/v1/cases/\(reference)", token: head).decode(APIBody.Case.self).links)
            let linked = try #require(links.first?.reference)
            #expect(try await api.office(of: linked) == "ECO")
            let ethics = try await api.call(.get, "/v1/cases/\(linked)", token: try await api.token("ethics-head", "ECO:head"))
            #expect(try ethics.decode(APIBody.Case.self).kind == "ethics_advice")
            #expect(try ethics.decode(APIBody.Case.self).narrative == "For the Ethics Office: a conflict of interest, not fraud")
            #expect(try ethics.decode(APIBody.Case.self).location == nil)
        }
    }

    @Test func aReferralToTheOmbudspersonNeedsTheReportersConsent() async throws {
        try await CaseAPIHarness.run { api in
            let (_, refused) = try await referred(api, to: "OMB")
            #expect(refused.problemType == "/problems/transition-guard-failed")
            let (reference, consented) = try await referred(api, to: "OMB", fields: ["reporter_consent": true])
            #expect(consented.status == .ok)
            let head = try await api.token("ig", "OIG:head")
            let links = try #require(try await api.call(.get, "/v1/cases/\(reference)", token: head).decode(APIBody.Case.self).links)
            #expect(try await api.office(of: try #require(links.first?.reference)) == "OMB")
        }
    }

    @Test func aReferralOutsideTheOrganizationOpensNothing() async throws {
        try await CaseAPIHarness.run { api in
            let (reference, reply) = try await referred(api, to: "national_authorities")
            #expect(reply.status == .ok)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
            let head = try await api.token("ig", "OIG:head")
            #expect(try await api.call(.get, "/v1/cases/\(reference)", token: head).decode(APIBody.Case.self).links?.isEmpty == true)
        }
    }
}
