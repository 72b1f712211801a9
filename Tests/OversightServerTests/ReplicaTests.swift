import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Two replicas of the service on one database coordinate only through PostgreSQL: a queue
/// cursor from one works on the other, one idempotency key files one case whichever replica
/// answers, and their sweepers escalate each overdue item once.
@Suite(.temporaryPostgres)
struct ReplicaTests {
    @Test func twoReplicasAgree() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            for index in 0..<3 { _ = try await api.file(staff, title: "case \(index)") }
            try await api.withReplica { replica, service in
                // A cursor issued by the first replica pages on the second.
                let first = try await api.call(.get, "/v1/offices/OIG/queue?limit=1", token: lead)
                let cursor = try #require(try first.decode(QueueTests.Page.self).nextCursor)
                let next = try await replica.execute(
                    uri: "/v1/offices/OIG/queue?limit=1&cursor=\(cursor)", method: .get,
                    headers: [.authorization: "Bearer \(lead)"]
                ) { $0 }
                #expect(next.status == .ok)

                // The same filing with one key sent to both replicas at once creates one case.
                let body = try JSONSerialization.data(withJSONObject: [
                    "category": "fraud", "title": "Sent twice", "narrative": "Retried by a proxy.",
                ])
                var headers: HTTPFields = [.authorization: "Bearer \(staff)", .contentType: "application/json"]
                headers[HTTPField.Name("Idempotency-Key")!] = "replicated-1"
                let sent = headers
                let casesBefore = try await api.count("SELECT count(*) AS n FROM cases")
                async let viaFirst = api.client.execute(uri: "/v1/cases", method: .post, headers: sent, body: ByteBuffer(bytes: Array(body))) {
                    $0.status
                }
                async let viaSecond = replica.execute(uri: "/v1/cases", method: .post, headers: sent, body: ByteBuffer(bytes: Array(body))) {
                    $0.status
                }
                #expect(try await [viaFirst, viaSecond] == [.created, .created])
                #expect(try await api.count("SELECT count(*) AS n FROM cases") == casesBefore + 1)

                // Both sweepers at once: each overdue item escalated once.
                let later = api.clock.now().addingTimeInterval(10 * 86_400)
                async let one = api.store.escalateOverdue(at: later, batch: 2)
                async let two = service.store.escalateOverdue(at: later, batch: 2)
                var total = try await one + two
                while true {
                    let more = try await api.store.escalateOverdue(at: later) + service.store.escalateOverdue(at: later)
                    if more == 0 { break }
                    total += more
                }
                #expect(total == 12)  // of each of the four cases: triage (levels 1 and 2: a week over) and acknowledgement
                #expect(try await api.count("SELECT count(*) AS n FROM escalations") == 12)
            }
        }
    }
}
