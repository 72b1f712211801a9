import Foundation
import PostgresClient

/// The result of walking every case's history.
public struct AuditReport: Sendable, Equatable {
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public let reference: String
        public let seq: Int
        public let reason: String
        public var description: String { "\(reference) event \(seq): \(reason)" }
    }

    public let casesChecked: Int
    public let eventsChecked: Int
    /// The first broken chain found (cases in reference order), if any.
    public let firstBreak: Break?
}

/// Recomputes every hash chain: sequence numbers without gaps from 1, each event's
/// `prev_hash` equal to the hash before it, each hash equal to the digest of its content,
/// and the case's recorded head equal to its last event (nothing cut off the end).
public struct AuditVerifier: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func verify(batchSize: Int = 500) async throws -> AuditReport {
        var casesChecked = 0
        var eventsChecked = 0
        var after = ""
        while true {
            let cases = try await pool.query("""
                SELECT id, reference, event_seq, event_hash FROM cases WHERE reference > \(after) ORDER BY reference LIMIT \(batchSize)
                """)
            guard let last = cases.last else { break }
            after = try last.decode("reference")
            let ids = try cases.map { try $0.decode("id", as: UUID.self) }
            let rows = try await pool.query("""
                SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events
                WHERE case_id = ANY(\(ids)) ORDER BY case_id, seq
                """)
            var byCase: [UUID: [CaseEvent]] = [:]
            for row in rows {
                let event = try CaseEvent(row: row)
                byCase[event.caseID, default: []].append(event)
            }
            for row in cases {
                let id = try row.decode("id", as: UUID.self)
                let reference = try row.decode("reference", as: String.self)
                let events = byCase[id] ?? []
                casesChecked += 1
                eventsChecked += events.count
                if let problem = Self.check(events, head: (try row.decode("event_seq"), try row.decode("event_hash"))) {
                    return AuditReport(casesChecked: casesChecked, eventsChecked: eventsChecked,
                                       firstBreak: .init(reference: reference, seq: problem.seq, reason: problem.reason))
                }
            }
        }
        return AuditReport(casesChecked: casesChecked, eventsChecked: eventsChecked, firstBreak: nil)
    }

    static func check(_ events: [CaseEvent], head: (seq: Int, hash: Data)) -> (seq: Int, reason: String)? {
        var previous = Data()
        for (index, event) in events.enumerated() {
            if event.seq != index + 1 { return (index + 1, "event missing (found \(event.seq))") }
            if event.prevHash != previous { return (event.seq, "previous hash does not match event \(event.seq - 1)") }
            if !CaseEventChain.isIntact(event) { return (event.seq, "content does not match its hash") }
            previous = event.hash
        }
        if head.seq != events.count { return (events.count + 1, "the case records \(head.seq) events, \(events.count) found") }
        if head.hash != previous { return (events.count, "the case's recorded head hash differs") }
        return nil
    }
}
