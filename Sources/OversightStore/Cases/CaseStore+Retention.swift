import Foundation
import OversightDomain
import PostgresClient

/// A legal hold on a case, as its readers see it.
public struct LegalHold: Sendable, Hashable {
    public let reason: String
    public let setAt: Date
}

extension CaseStore {
    /// The head of the case's office puts the case under a legal hold: its content outlives its
    /// retention period until the hold is lifted. Recorded in the history with its reason.
    public func setLegalHold(_ reference: String, reason: String, by actor: Actor, at time: Date? = nil) async throws -> LegalHold {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let record = try store.lockForLegalHold(reference, by: actor, connection)
            let set = try connection.execute(
                "INSERT INTO legal_holds (case_id, reason, set_at) VALUES (\(record.id), \(reason), \(now)) ON CONFLICT DO NOTHING")
            guard set == 1 else { throw CaseStoreError.legalHold(alreadyHeld: true) }
            try Self.recordLegalHold(["hold": "set", "reason": reason], on: record, by: actor, at: now, connection)
            return LegalHold(reason: reason, setAt: now)
        }
    }

    /// The head lifts the hold; the retention period applies again (at once, if it has ended).
    public func liftLegalHold(_ reference: String, by actor: Actor, at time: Date? = nil) async throws {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        try await transaction(.person(actor)) { connection in
            let record = try store.lockForLegalHold(reference, by: actor, connection)
            guard try connection.execute("DELETE FROM legal_holds WHERE case_id = \(record.id)") == 1 else {
                throw CaseStoreError.legalHold(alreadyHeld: false)
            }
            try Self.recordLegalHold(["hold": "lifted"], on: record, by: actor, at: now, connection)
        }
    }

    /// The case's hold, for those who work it; nil when there is none.
    public func legalHold(of record: CaseRecord, for actor: Actor) async throws -> LegalHold? {
        let rows = try await transaction(.person(actor)) { connection in
            try connection.query("SELECT reason, set_at FROM legal_holds WHERE case_id = \(record.id)")
        }
        return try rows.first.map { LegalHold(reason: try $0.decode("reason"), setAt: try $0.decode("set_at")) }
    }

    private func lockForLegalHold(_ reference: String, by actor: Actor, _ connection: isolated PostgresConnection) throws -> CaseRecord {
        let (record, _) = try lockVisible(reference, for: actor, connection)
        guard actor.memberships.contains(OfficeMembership(office: record.office, role: .head)) else {
            throw CaseStoreError.notHeadOfOffice
        }
        return record
    }

    private static func recordLegalHold(
        _ data: [String: String], on record: CaseRecord, by actor: Actor, at now: Date, _ connection: isolated PostgresConnection
    ) throws {
        let head = try appendEvents(
            [NewEvent("legal_hold", data)], to: record.id, after: (record.eventSeq, record.eventHash), actor: actor.id, at: now, connection)
        try connection.execute(
            """
            UPDATE cases SET version = version + 1, event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
            WHERE id = \(record.id)
            """)
    }

    /// The closed cases whose retention period has ended at `now`, not under a hold, whose
    /// content is still there (a destroyed key: purged already, or redacted at closure): the
    /// statement from `FROM` on. Which rule applies is `RetentionPolicy.days`'s to say: the
    /// statement only looks up its answer for every kind and outcome the workflows have.
    func expired(at now: Date) -> PostgresQuery {
        let policy = configuration.retention
        var periods: [(kind: String, outcome: String, days: Int)] = []
        for (kind, workflow) in configuration.workflows {
            periods.append((kind.rawValue, "", policy.days(kind: kind, outcome: nil)))
            for outcome in Set(workflow.states.compactMap(\.outcome)) {
                periods.append((kind.rawValue, outcome, policy.days(kind: kind, outcome: outcome)))
            }
        }
        // Joined once (a hash of a few dozen rows), not looked up per closed case.
        return """
             FROM cases LEFT JOIN unnest(\(periods.map(\.kind))::text[], \(periods.map(\.outcome))::text[],
                                         \(periods.map(\.days))::int8[]) AS period (period_kind, period_outcome, period_days)
                ON period_kind = cases.kind AND period_outcome = coalesce(cases.outcome, '')
            WHERE cases.closed_at IS NOT NULL
                AND EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = cases.id AND k.key IS NOT NULL)
                AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = cases.id)
                AND cases.closed_at + make_interval(days => coalesce(period_days, \(policy.defaultDays))::int) <= \(now)
            """
    }

    /// The expired cases' ids, oldest closure first (at most `limit`), touching nothing.
    func expiredCaseIDs(at now: Date, limit: Int) async throws -> [UUID] {
        var query: PostgresQuery = "SELECT id"
        query.append(expired(at: now))
        query.append(" ORDER BY cases.closed_at LIMIT \(limit)")
        let statement = query
        return try await transaction(.system(.retention)) { connection in
            try connection.query(statement).map { try $0.decode("id", as: UUID.self) }
        }
    }

    /// How many cases a purge at `now` would purge, touching nothing.
    public func expiredCaseCount(at time: Date? = nil) async throws -> Int {
        var query: PostgresQuery = "SELECT count(*) AS n"
        query.append(expired(at: time ?? clock()))
        let statement = query
        return try await transaction(.system(.retention)) { connection in
            try connection.query(statement)[0].decode("n", as: Int.self)
        }
    }

    /// Purges cases past their retention period: destroys their content and key as a
    /// redacting close does (title, narrative, who filed, the people named, notes and
    /// messages, answers, attachments, places, the subject's summary), records it in the
    /// history, and leaves the tombstone the reports count. Finding the expired cases reads
    /// every closed one, so it is done once for up to `scan` of them, which are then purged
    /// `batch` to a transaction, each checked again under its lock (another purger, or a hold
    /// set meanwhile, is respected). Returns how many were purged; call again while it purges.
    @discardableResult
    public func purgeExpired(at time: Date? = nil, batch: Int = 100, scan: Int = 5_000) async throws -> Int {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let candidates = try await expiredCaseIDs(at: now, limit: scan)
        var purged = 0
        for start in stride(from: 0, to: candidates.count, by: max(1, batch)) {
            purged += try await purge(Array(candidates[start..<min(start + max(1, batch), candidates.count)]), at: now)
        }
        return purged
    }

    private func purge(_ ids: [UUID], at now: Date) async throws -> Int {
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(expired(at: now))
        query.append(" AND cases.id = ANY(\(ids)) FOR UPDATE OF cases SKIP LOCKED")
        let statement = query
        let keys = keyRing
        return try await transaction(.system(.retention)) { connection in
            let records = try connection.query(statement).map { try CaseRecord(row: $0, keys: keys) }
            for record in records {
                try connection.execute("DELETE FROM comments WHERE case_id = \(record.id)")
                try connection.execute("DELETE FROM case_parties WHERE case_id = \(record.id)")
                try connection.execute("DELETE FROM idempotency_keys WHERE case_id = \(record.id)")
                try connection.execute("DELETE FROM case_answers WHERE case_id = \(record.id)")
                try connection.execute("DELETE FROM attachments WHERE case_id = \(record.id)")
                try connection.execute("DELETE FROM case_search WHERE case_id = \(record.id)")
                try connection.execute("UPDATE subject_views SET allegations_summary = '' WHERE case_id = \(record.id)")
                try connection.execute("UPDATE case_keys SET key = NULL, destroyed_at = \(now) WHERE case_id = \(record.id)")
                var after = CaseFacts(record: record)
                after.redact()
                let facts = try after.entries(since: CaseFacts(record: record), key: nil)
                let head = try Self.appendEvents(
                    [NewEvent("purged", ["what": "title, narrative, filer, parties, notes, messages, answers, attachments, places, case key"])],
                    facts: facts, to: record.id, after: (record.eventSeq, record.eventHash),
                    actor: SessionScope.eventActor(.retention), at: now, connection)
                var snapshot = record.snapshot
                snapshot.fields = [:]
                try connection.execute(
                    """
                    UPDATE cases SET title = '(redacted)', narrative = '', location = NULL, occurred_on = NULL, country_office = NULL,
                        filed_by = NULL, filer = NULL, subject_ids = '{}', conflicted_ids = '{}', witness_ids = '{}', reporter_ids = '{}',
                        snapshot = \(PostgresJSON(record.stored(snapshot))), version = version + 1, event_seq = \(head.seq),
                        event_hash = \(head.hash), updated_at = \(now)
                    WHERE id = \(record.id)
                    """)
            }
            return records.count
        }
    }
}
