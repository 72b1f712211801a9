import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The service keeps working when its database connections die: a request in flight on a
/// terminated connection is a 503 problem with `Retry-After`, the pool replaces the
/// connections, later requests succeed, and nothing leaks.
@Suite(.temporaryPostgres)
struct ConnectionFaultTests {
    @Test func terminatedConnectionsAreReplacedAndInFlightRequestsAskForARetry() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.file(staff)
            for _ in 0..<8 { #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).status == .ok) }

            // Hold the case's row so that a transition waits on it, in flight.
            let blocker = PostgresPool(.init(options: api.options, maxConnections: 1))
            let (holding, release) = AsyncStream<Void>.makeStream()
            let (locked, lockTaken) = AsyncStream<Void>.makeStream()
            let etag = try #require(try await api.call(.get, "/v1/cases/\(reference)", token: lead).etag)
            // The lock holder stays in its transaction until told.
            let blockerTransaction = Task {
                try await blocker.withConnection { connection in
                    try await connection.execute("BEGIN")
                    try await connection.execute("SELECT id FROM cases WHERE reference = \(reference) FOR UPDATE")
                    lockTaken.yield()
                    for await _ in holding { break }
                    try await connection.execute("ROLLBACK")
                }
            }
            for await _ in locked { break }
            let inFlight = Task {
                try await api.call(
                    .post, "/v1/cases/\(reference)/transitions", token: lead, body: ["transition": "begin_assessment"],
                    headers: [.ifMatch: etag])
            }
            // Wait (bounded) until the transition waits on the lock.
            let waiting = try await eventually {
                try await api.count(
                    """
                    SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'oversight_service' AND wait_event_type = 'Lock'
                    """) == 1
            }
            #expect(waiting)
            #expect(
                try await api.count(
                    """
                    SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'oversight_service') t
                    """) >= 1)
            let refused = try await inFlight.value
            #expect(refused.status == .serviceUnavailable, "\(String(decoding: refused.body, as: UTF8.self))")
            #expect(refused.problemType == "/problems/database-unavailable")
            #expect(refused.headers[.retryAfter] == "1")
            release.finish()
            try await blockerTransaction.value
            await blocker.close()

            // The pool replaced its connections: everything works again, the transition too.
            for _ in 0..<16 { #expect(try await api.call(.get, "/v1/cases/\(reference)", token: lead).status == .ok) }
            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            let statistics = await api.store.pool.statistics
            #expect(statistics.inUse == 0)
            #expect(statistics.waiting == 0)
        }
    }
}
