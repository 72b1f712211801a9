import Foundation
import OversightDomain
import PostgresClient

/// The result of walking every case's history.
public struct AuditReport: Sendable, Equatable {
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public let reference: String
        public let seq: Int
        /// The field of the case row that disagrees with its history, when that is the break.
        public let field: String?
        public let reason: String

        public var description: String {
            if let field { return "\(reference) field \(field): \(reason)" }
            return "\(reference) event \(seq): \(reason)"
        }
    }

    public let casesChecked: Int
    public let eventsChecked: Int
    /// Every broken case found (in reference order), up to the verifier's limit.
    public let breaks: [Break]
    /// The first broken case found, if any.
    public var firstBreak: Break? { breaks.first }
}

/// Recomputes every hash chain (sequence numbers without gaps from 1, each `prev_hash` equal
/// to the hash before it, each hash the digest of its content, the case's recorded head equal
/// to its last event) and replays the facts the history records against the case row, so an
/// UPDATE of the row that bypassed the service (a moved office, a lifted seal, a changed
/// filer) is named with its field.
public struct AuditVerifier: Sendable {
    public let pool: PostgresPool
    /// Opens the cases' data keys: the facts are replayed against the content they seal.
    public let keys: KeyRing

    public init(pool: PostgresPool, keys: KeyRing) {
        self.pool = pool
        self.keys = keys
    }

    /// Walks every case; stops collecting after `maximumBreaks` broken ones.
    public func verify(batchSize: Int = 500, maximumBreaks: Int = 100) async throws -> AuditReport {
        var breaks: [AuditReport.Break] = []
        var casesChecked = 0
        var eventsChecked = 0
        var after = ""
        while breaks.count < maximumBreaks {
            let start = after
            let (cases, eventRows) = try await pool.withTransaction { connection in
                SessionScope.system(.auditor).apply(sharingOffices: [], connection)
                var query: PostgresQuery = "SELECT "
                query.append(CaseRecord.select)
                query.append(
                    """
                     FROM cases WHERE reference > \(start) ORDER BY reference LIMIT \(batchSize)
                    """)
                let cases = try connection.query(query)
                let ids = try cases.map { try $0.decode("id", as: UUID.self) }
                let events = try connection.query(
                    """
                    SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events
                    WHERE case_id = ANY(\(ids)) ORDER BY case_id, seq
                    """)
                return (cases, events)
            }
            guard let last = cases.last else { break }
            after = try last.decode("reference")
            var byCase: [UUID: [CaseEvent]] = [:]
            for row in eventRows {
                let event = try CaseEvent(row: row)
                byCase[event.caseID, default: []].append(event)
            }
            for row in cases {
                let record: CaseRecord
                do {
                    record = try CaseRecord(row: row, keys: keys)
                } catch let refused as SealRefused {
                    breaks.append(
                        .init(
                            reference: try row.decode("reference"), seq: try row.decode("event_seq"), field: refused.place.column,
                            reason: "its sealed value does not open under the case's key (altered, or copied from another row)"))
                    continue
                } catch let refused as KeyRing.UnwrapRefused {
                    breaks.append(
                        .init(reference: try row.decode("reference"), seq: try row.decode("event_seq"), field: nil, reason: refused.description))
                    continue
                }
                let key = try keys.storedKey(try row.decode("case_key", as: Data?.self), for: record.id)?.key
                let events = byCase[record.id] ?? []
                casesChecked += 1
                eventsChecked += events.count
                if let problem = Self.check(events, head: (record.eventSeq, record.eventHash)) {
                    breaks.append(.init(reference: record.reference, seq: problem.seq, field: nil, reason: problem.reason))
                    continue
                }
                // The tag row security compares must be the sealed filer's (a row older than
                // encryption holds the id itself until `keys rotate` seals it).
                if record.filerTag != record.filedBy.map(keys.filerTag), record.filerTag != record.filedBy {
                    breaks.append(
                        .init(
                            reference: record.reference, seq: events.count, field: "filed_by",
                            reason: "the filer's tag is not the sealed filer's (the case would show to someone else as theirs)"))
                    continue
                }
                let recorded = CaseFacts.recorded(in: events)
                if let disagreement = CaseFacts(record: record).disagreements(with: recorded, key: key).first {
                    breaks.append(.init(reference: record.reference, seq: events.count, field: disagreement.field, reason: disagreement.reason))
                }
            }
        }
        return AuditReport(casesChecked: casesChecked, eventsChecked: eventsChecked, breaks: Array(breaks.prefix(maximumBreaks)))
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
