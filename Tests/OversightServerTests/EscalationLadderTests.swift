import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The escalation ladder of `Config/routing.yaml`: the assignee at the due date, the head of
/// the office a week later, the Chief of Staff at two weeks, the Director General at three;
/// each level once, never to someone named on the case or in an office it is sealed from.
@Suite(.temporaryPostgres)
struct EscalationLadderTests {
    /// Who the sweeps told about `item` of `reference`, by level.
    func recipients(_ api: CaseAPIHarness, _ reference: String, item: String) async throws -> [String: String] {
        let rows = try await api.adminPool.query(
            """
            SELECT o.payload ->> 'level' AS level, o.payload ->> 'recipient' AS recipient FROM outbox o JOIN cases c ON c.id = o.case_id
            WHERE c.reference = \(reference) AND o.kind = 'escalation' AND o.payload ->> 'item' = \(item)
            """)
        var found: [String: String] = [:]
        for row in rows { found[try row.decode("level")] = try row.decode("recipient", as: String.self) }
        return found
    }

    func levelsRaised(_ api: CaseAPIHarness, _ reference: String, item: String) async throws -> [Int] {
        try await api.adminPool.query(
            """
            SELECT e.level::int8 AS level FROM escalations e JOIN cases c ON c.id = e.case_id
            WHERE c.reference = \(reference) AND e.item = \(item) ORDER BY e.level
            """
        ).map { try $0.decode("level", as: Int.self) }
    }

    @Test func anOverdueAcknowledgementClimbsOneLevelAtATimeEachOnce() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            let filed = api.clock.now()
            // Acknowledgement is due 7 days after filing; each sweep runs twice at its time.
            for (day, expected) in [(6.0, [Int]()), (7.5, [1]), (13.5, [1]), (14.5, [1, 2]), (21.5, [1, 2, 3]), (28.5, [1, 2, 3, 4])] {
                let at = filed.addingTimeInterval(day * 86_400)
                _ = try await api.store.escalateOverdue(at: at)
                _ = try await api.store.escalateOverdue(at: at)
                #expect(try await levelsRaised(api, reference, item: "acknowledgement") == expected, "day \(day)")
            }
            #expect(try await recipients(api, reference, item: "acknowledgement") == ["1": "inv-amara", "2": "ig", "3": "cos", "4": "dg"])
            let events = try await api.call(.get, "/v1/cases/\(reference)/events", token: lead).decode(APIBody.List<APIBody.Event>.self)
            let escalations = events.items.filter { $0.kind == "escalated" && $0.data["item"] == "acknowledgement" }
            #expect(escalations.map { $0.data["level"] ?? "" } == ["1", "2", "3", "4"])
            #expect(escalations.map { $0.data["to"] ?? "" } == ["assignee", "office_head", "head_of:COS", "director_general"])
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
        }
    }

    @Test func theLadderSkipsWhoeverTheCaseNamesOrIsSealedFrom() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            // The Inspector General and the Director General named: the case goes to the
            // alternate, sealed from OIG and from the DG's office.
            let reference = try await api.file(staff, subjects: ["ig", "dg"])
            #expect(try await api.office(of: reference) == "AOAC")
            _ = try await api.store.escalateOverdue(at: api.clock.now().addingTimeInterval(30 * 86_400))
            let told = try await recipients(api, reference, item: "acknowledgement")
            // Unassigned: level 1 goes to the alternate's head; level 4 (the DG) is withheld.
            #expect(told == ["1": "aoac-chair", "2": "aoac-chair", "3": "cos"])
            #expect(!told.values.contains("ig") && !told.values.contains("dg"))
            #expect(try await levelsRaised(api, reference, item: "acknowledgement") == [1, 2, 3, 4])
            let withheld = try await api.adminPool.query(
                """
                SELECT count(*) AS n FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE c.reference = \(reference) AND e.kind = 'escalated' AND e.data ? 'withheld' AND e.data ->> 'level' = '4'
                  AND e.data ->> 'item' = 'acknowledgement'
                """)[0].decode("n", as: Int.self)
            #expect(withheld == 1)
        }
    }
}
