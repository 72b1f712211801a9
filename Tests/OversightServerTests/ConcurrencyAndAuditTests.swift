import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

@Suite(.temporaryPostgres)
struct ConcurrencyAndAuditTests {
    @Test func fiftyConcurrentTransitionsWithOneIfMatchMakeExactlyOneChange() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            let etag = try #require(try await api.call(.get, "/v1/cases/\(reference)", token: lead).etag)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await api.call(
                            .post, "/v1/cases/\(reference)/transitions", token: lead,
                            body: ["transition": "begin_assessment"], headers: [.ifMatch: etag]
                        ).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .preconditionFailed }.count == 49)
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE kind = 'transition'") == 1)
        }
    }

    @Test func fiftyConcurrentFilingsWithOneIdempotencyKeyCreateOneCase() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let replies = try await withThrowingTaskGroup(of: CaseAPIHarness.Reply.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await api.call(
                            .post, "/v1/cases", token: staff,
                            body: ["category": "theft", "title": "Laptops missing", "narrative": "Three laptops left the store."],
                            headers: [HTTPField.Name("Idempotency-Key")!: "filing-7f3a"])
                    }
                }
                return try await group.reduce(into: [CaseAPIHarness.Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .created })
            let references = Set(try replies.map { try $0.decode(APIBody.Filing.self).reference })
            #expect(references.count == 1)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
        }
    }

    @Test func historyCannotBeChangedThroughTheServiceRole() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            _ = try await api.file(staff)
            let service = PostgresPool(.init(options: api.options.user(DatabaseRoles.application), maxConnections: 1))
            for statement: PostgresQuery in ["UPDATE case_events SET actor = 'someone else'", "DELETE FROM case_events", "TRUNCATE case_events"] {
                let error = await #expect(throws: PostgresError.self) { try await service.query(statement) }
                #expect(error?.sqlState == .insufficientPrivilege)
            }
            await service.close()
            // The owner is stopped by the trigger (TRUNCATE), or sees no row to delete (row security).
            let owner = PostgresPool(.init(options: api.options.user(DatabaseRoles.owner), maxConnections: 1))
            let truncate = await #expect(throws: PostgresError.self) { try await owner.query("TRUNCATE case_events") }
            #expect(truncate?.sqlState == .insufficientPrivilege)
            #expect(truncate?.message.contains("append-only") == true)
            _ = try await owner.query("DELETE FROM case_events")
            await owner.close()
            // Even a superuser, who passes row security, is stopped by the trigger.
            let error = await #expect(throws: PostgresError.self) { try await api.adminPool.query("DELETE FROM case_events") }
            #expect(error?.sqlState == .insufficientPrivilege)
            #expect(error?.message.contains("append-only") == true)
            #expect(try await api.count("SELECT count(*) AS n FROM case_events") == 2)
        }
    }

    @Test func verifyAuditNamesTheTamperedCaseAndEvent() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let first = try await api.file(staff, title: "first")
            let second = try await api.file(staff, title: "second")
            try await api.call(.post, "/v1/cases/\(second)/assignment", token: lead, body: ["assignee": "inv-amara"])
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().firstBreak == nil)

            // A superuser disables the guard and rewrites who made event 3 of the second case.
            try await api.adminPool.withTransaction { connection in
                try connection.execute("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
                try connection.execute(
                    """
                    UPDATE case_events SET actor = 'someone-else'
                    WHERE seq = 3 AND case_id = (SELECT id FROM cases WHERE reference = \(second))
                    """)
                try connection.execute("ALTER TABLE case_events ENABLE TRIGGER case_events_append_only")
            }
            let report = try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            let broken = try #require(report.firstBreak)
            #expect(broken.reference == second)
            #expect(broken.seq == 3)
            #expect(broken.field == nil)
            #expect(first != second)
        }
    }

    @Test func removedLastEventIsDetected() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reference = try await api.file(staff)
            try await api.adminPool.withTransaction { connection in
                try connection.execute("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
                try connection.execute("DELETE FROM case_events WHERE seq = 2 AND case_id = (SELECT id FROM cases WHERE reference = \(reference))")
                try connection.execute("ALTER TABLE case_events ENABLE TRIGGER case_events_append_only")
            }
            let broken = try #require(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().firstBreak)
            #expect(broken.reference == reference)
            #expect(broken.seq == 2)
        }
    }

    @Test func twoSweepersEscalateEachOverdueItemOnce() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            for index in 0..<12 { _ = try await api.file(staff, title: "case \(index)") }
            // Past triage (72 h) and acknowledgement (7 days) for every case.
            let later = api.clock.now().addingTimeInterval(8 * 86_400)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var total = 0
                        while true {
                            let escalated = try await api.store.escalateOverdue(at: later, batch: 5)
                            total += escalated
                            if escalated == 0 { return total }
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(counts.reduce(0, +) == 24)
            #expect(try await api.count("SELECT count(*) AS n FROM escalations") == 24)
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE kind = 'escalated'") == 24)
            #expect(try await api.count("SELECT count(*) AS n FROM outbox WHERE kind = 'escalation'") == 24)
            // A later sweep finds nothing new, and the chains are intact.
            #expect(try await api.store.escalateOverdue(at: later) == 0)
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().firstBreak == nil)
        }
    }
}
