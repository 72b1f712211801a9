import Crypto
import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The history covers the case itself, and cannot be rewritten unnoticed even by a superuser:
/// every protected fact of a case row is recorded in its events (verify-audit names the case
/// and the field an UPDATE changed), and signed checkpoints catch a rewrite of the events
/// with every hash recomputed.
@Suite(.temporaryPostgres)
struct HistoryIntegrityTests {
    @Test func anUpdateOfAProtectedFactIsNamedWithItsField() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let tampering: [(field: String, sql: @Sendable (String) -> PostgresQuery)] = [
                ("office", { "UPDATE cases SET office = 'ECO' WHERE reference = \($0)" }),
                ("state", { "UPDATE cases SET state = 'closed_no_action' WHERE reference = \($0)" }),
                ("sealed_from", { "UPDATE cases SET sealed_from = '{OIG}' WHERE reference = \($0)" }),
                ("restricted_to_head", { "UPDATE cases SET restricted_to_head = true WHERE reference = \($0)" }),
                ("assignee", { "UPDATE cases SET assignee = 'inv-bruno' WHERE reference = \($0)" }),
                ("title", { "UPDATE cases SET title = 'Nothing to see' WHERE reference = \($0)" }),
                ("narrative", { "UPDATE cases SET narrative = 'Nothing happened' WHERE reference = \($0)" }),
                ("filed_by", { "UPDATE cases SET filed_by = 'someone-else' WHERE reference = \($0)" }),
            ]
            var expected: [String: String] = [:]
            for item in tampering {
                let reference = try await api.file(staff, title: "case for \(item.field)")
                #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
                expected[reference] = item.field
            }
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)

            for (reference, field) in expected {
                _ = try await api.adminPool.query(tampering.first { $0.field == field }!.sql(reference))
            }
            let report = try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            #expect(report.breaks.count == tampering.count)
            for broken in report.breaks {
                #expect(broken.field == expected[broken.reference], "\(broken)")
            }
        }
    }

    @Test func signedCheckpointsCatchARewriteWithRecomputedHashes() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let target = try await api.file(staff, title: "the case someone wants to rewrite")
            let other = try await api.file(staff, title: "another case")
            #expect(try await api.transition(target, "begin_assessment", token: lead).status == .ok)
            let folder = NSTemporaryDirectory() + "checkpoints-\(UUID().uuidString.prefix(8))"
            let key = Curve25519.Signing.PrivateKey()
            let checkpoints = HistoryCheckpoints(pool: api.store.pool, directory: folder)
            // A checkpoint covers the transactions older than the oldest one still running in the
            // whole cluster (other tests run theirs meanwhile): wait, bounded, until that is past
            // every event written so far.
            let settled: @Sendable () async throws -> Bool = {
                try await eventually {
                    try await api.count(
                        """
                        SELECT count(*) AS n WHERE pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                            > (SELECT max(xid) FROM case_events)
                        """) == 1
                }
            }
            #expect(try await settled())
            let first = try #require(try await checkpoints.write(signingWith: key))
            #expect(first.checkpoint.heads.count == 2)
            // Nothing changed: no new checkpoint.
            #expect(try await checkpoints.write(signingWith: key) == nil)
            // A later checkpoint covers only what changed since.
            #expect(try await api.call(.post, "/v1/cases/\(other)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(try await settled())
            let second = try #require(try await checkpoints.write(signingWith: key))
            #expect(second.checkpoint.heads.count == 1)
            #expect(second.checkpoint.previous == HistoryCheckpoint.digest(of: try String(contentsOfFile: first.path, encoding: .utf8)))
            #expect(try await checkpoints.verify(with: key.publicKey).firstBreak == nil)

            // A superuser rewrites who routed the target case and recomputes every hash after it.
            try await api.adminPool.withTransaction { connection in
                try connection.execute("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only")
                let id: UUID = try connection.query("SELECT id FROM cases WHERE reference = \(target)")[0].decode("id")
                let rows = try connection.query(
                    "SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events WHERE case_id = \(id) ORDER BY seq")
                var previous = Data()
                for row in rows {
                    let seq: Int = try row.decode("seq")
                    var actor: String = try row.decode("actor")
                    if seq == 2 { actor = "someone-else" }
                    let data = try row.decode("data", as: PostgresJSON<[String: String]>.self).value
                    let hash = CaseEventChain.digest(
                        caseID: id, seq: seq, kind: try row.decode("kind"), actor: actor,
                        at: try row.decode("at"), data: data, prevHash: previous)
                    try connection.execute(
                        "UPDATE case_events SET actor = \(actor), prev_hash = \(previous), hash = \(hash) WHERE case_id = \(id) AND seq = \(seq)")
                    previous = hash
                }
                try connection.execute("UPDATE cases SET event_hash = \(previous) WHERE id = \(id)")
                try connection.execute("ALTER TABLE case_events ENABLE TRIGGER case_events_append_only")
            }
            // The chain alone looks intact...
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)
            // ...the signed heads do not.
            let report = try await checkpoints.verify(with: key.publicKey)
            let broken = try #require(report.firstBreak)
            #expect(broken.reference == target)
            #expect(broken.seq == 3)

            // A checkpoint signed by another key, or edited, or a removed one, is refused.
            await #expect(throws: HistoryCheckpoints.Refused.self) { try await checkpoints.verify(with: Curve25519.Signing.PrivateKey().publicKey) }
            let text = try String(contentsOfFile: second.path, encoding: .utf8)
            try text.replacingOccurrences(of: "cases 1", with: "cases 1 ").write(toFile: second.path, atomically: true, encoding: .utf8)
            await #expect(throws: HistoryCheckpoints.Refused.self) { try await checkpoints.verify(with: key.publicKey) }
            try text.write(toFile: second.path, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(atPath: first.path)
            await #expect(throws: HistoryCheckpoints.Refused.self) { try await checkpoints.verify(with: key.publicKey) }
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
