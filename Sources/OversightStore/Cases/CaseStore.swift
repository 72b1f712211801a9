import Foundation
import Logging
import OversightDomain
import PostgresClient

/// Persistence of cases. Every operation is one transaction that locks (or inserts) the case,
/// asks the domain to decide (routing, access, the workflow engine), applies the decision,
/// appends the hash-chained event and writes the outbox: all or nothing.
public struct CaseStore: Sendable {
    public let pool: PostgresPool
    public let configuration: OversightConfiguration
    public let catalog: WorkflowCatalog
    let router: CaseRouter
    let policy: AccessPolicy
    let logger: Logger
    /// The time operations happen at when the caller gives none (tests move it forward).
    public let clock: @Sendable () -> Date

    public init(pool: PostgresPool, configuration: OversightConfiguration, catalog: WorkflowCatalog,
                logger: Logger = Logger(label: "oversight.cases"), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.pool = pool
        self.configuration = configuration
        self.catalog = catalog
        self.clock = clock
        self.router = CaseRouter(configuration)
        self.policy = AccessPolicy(offices: configuration.offices)
        self.logger = logger
    }

    /// The workflow a stored case is pinned to.
    func workflow(of record: CaseRecord) throws(CaseStoreError) -> WorkflowDefinition {
        guard let workflow = catalog.workflow(version: record.workflowVersionID) else { throw .unknownWorkflow(record.kind) }
        return workflow
    }

    func calendar(for office: OfficeCode) -> DeadlineCalendar {
        configuration.offices.office(office).map(DeadlineCalendar.init(office:)) ?? .calendarDays
    }

    /// The earliest date the case owes something ('infinity' when nothing).
    func earliestDue(_ snapshot: CaseSnapshot, workflow: WorkflowDefinition) -> Date {
        CaseDeadlines(workflow: workflow, calendar: calendar(for: snapshot.office)).dueItems(for: snapshot)
            .compactMap(\.dueAt).min() ?? .distantFuture
    }

    /// What `actor` may see and do of `record`.
    public func access(_ actor: Actor, to record: CaseRecord) -> CaseAccess {
        guard let workflow = catalog.workflow(version: record.workflowVersionID) else { return .denied }
        return policy.access(for: actor, to: record.accessFacts(workflow))
    }

    // MARK: - Reading

    /// Reads a case and its parties in one statement, locking the row when `forUpdate`.
    static func load(_ reference: String, forUpdate: Bool, _ connection: isolated PostgresConnection) throws -> CaseRecord? {
        var query: PostgresQuery = "SELECT "
        query.append(PostgresQuery(stringLiteral: CaseRecord.columns))
        query.append(PostgresQuery(stringLiteral: CaseRecord.partiesColumn))
        query.append(" FROM cases WHERE reference = \(reference)")
        if forUpdate { query.append(" FOR UPDATE") }
        return try connection.query(query.prepared()).first.map { try CaseRecord(row: $0) }
    }

    /// Locks a case for a change by `actor`; a case they may not see is `notFound`, exactly
    /// like a missing one.
    func lockVisible(_ reference: String, for actor: Actor, _ connection: isolated PostgresConnection) throws -> (CaseRecord, CaseAccess) {
        guard let record = try Self.load(reference, forUpdate: true, connection) else { throw CaseStoreError.notFound }
        let access = access(actor, to: record)
        guard access.view != .none else { throw CaseStoreError.notFound }
        return (record, access)
    }

    /// The case as `actor` may see it, with parties and links, or `notFound` (also when it
    /// exists but is hidden). One statement, outside any transaction.
    public func find(_ reference: String, for actor: Actor) async throws -> (record: CaseRecord, access: CaseAccess) {
        var query: PostgresQuery = "SELECT "
        query.append(PostgresQuery(stringLiteral: CaseRecord.columns))
        query.append(PostgresQuery(stringLiteral: CaseRecord.partiesColumn))
        query.append(PostgresQuery(stringLiteral: CaseRecord.linksColumn))
        query.append(" FROM cases WHERE reference = \(reference)")
        let prepared = query.prepared()
        guard let row = try await pool.query(prepared).first else { throw CaseStoreError.notFound }
        let record = try CaseRecord(row: row)
        let access = access(actor, to: record)
        guard access.view != .none else { throw CaseStoreError.notFound }
        return (record, access)
    }

    /// The `RETURNING` clause that gives back the whole updated case.
    static func returningCase() -> PostgresQuery {
        var query: PostgresQuery = " RETURNING "
        query.append(PostgresQuery(stringLiteral: CaseRecord.columns))
        query.append(PostgresQuery(stringLiteral: CaseRecord.partiesColumn))
        return query
    }

    /// The cases `actor` filed, newest first.
    public func filings(of actor: Actor, limit: Int = 100) async throws -> [CaseRecord] {
        let rows = try await pool.withConnection { connection in
            var query: PostgresQuery = "SELECT "
            query.append(PostgresQuery(stringLiteral: CaseRecord.columns))
            query.append(" FROM cases WHERE filed_by = \(actor.id) ORDER BY opened_at DESC, id LIMIT \(limit)")
            return try await connection.query(query)
        }
        return try rows.map { try CaseRecord(row: $0, parties: []) }
    }

    // MARK: - Appending history

    /// Appends events to the case's chain and returns the new head.
    static func appendEvents(
        _ events: [(kind: String, data: [String: String])], to caseID: UUID, after head: (seq: Int, hash: Data),
        actor: String, at now: Date, _ connection: isolated PostgresConnection
    ) throws -> (seq: Int, hash: Data) {
        var head = head
        for event in events {
            let built = CaseEventChain.append(caseID: caseID, after: head, kind: event.kind, actor: actor, at: now, data: event.data)
            try connection.execute(("""
                INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
                VALUES (\(caseID), \(built.seq), \(built.kind), \(built.actor), \(built.at), \(PostgresJSON(built.data)), \(built.prevHash), \(built.hash))
                """ as PostgresQuery).prepared())
            head = (built.seq, built.hash)
        }
        return head
    }

    /// Queues a notification in the same transaction as the change that caused it.
    static func enqueue(_ kind: String, caseID: UUID, payload: [String: String], _ connection: isolated PostgresConnection) throws {
        try connection.execute(("INSERT INTO outbox (case_id, kind, payload) VALUES (\(caseID), \(kind), \(PostgresJSON(payload)))" as PostgresQuery).prepared())
    }
}
