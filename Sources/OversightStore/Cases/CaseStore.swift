import Foundation
import Logging
import OversightDomain
import PostgresClient

/// How many filings one person may make in a window (abuse of the filing route); every
/// replica counts the same rows, so the limit holds across replicas.
public struct FilingLimit: Sendable, Hashable {
    public var count: Int
    public var window: Duration

    public init(count: Int = 20, window: Duration = .seconds(3600)) {
        self.count = count
        self.window = window
    }
}

/// Persistence of cases. Every operation is one transaction that tells PostgreSQL who acts
/// (row security hides what they may not see), locks (or inserts) the case, asks the domain
/// to decide (routing, access, the workflow engine), applies the decision, appends the
/// hash-chained event and writes the outbox: all or nothing.
public struct CaseStore: Sendable {
    public let pool: PostgresPool
    public let configuration: OversightConfiguration
    public let catalog: WorkflowCatalog
    let router: CaseRouter
    let policy: AccessPolicy
    let logger: Logger
    /// The time operations happen at when the caller gives none (tests move it forward).
    public let clock: @Sendable () -> Date
    public let enforcement: AccessEnforcement
    public let filingLimit: FilingLimit
    /// Offices whose officers see all of the office's cases, as row security needs them.
    let sharingOffices: [String]
    /// Wraps the cases' data keys and tags their filers (never in the database).
    public let keyRing: KeyRing
    /// Most search candidates one read of the index returns (tests make it small to page
    /// within a window).
    package var searchProbeSize = 250

    public init(
        pool: PostgresPool, configuration: OversightConfiguration, catalog: WorkflowCatalog, keyRing: KeyRing,
        logger: Logger = Logger(label: "oversight.cases"), clock: @escaping @Sendable () -> Date = { Date() },
        filingLimit: FilingLimit = FilingLimit(), enforcement: AccessEnforcement = .storeAndDatabase
    ) {
        self.pool = pool
        self.configuration = configuration
        self.catalog = catalog
        self.keyRing = keyRing
        self.clock = clock
        self.router = CaseRouter(configuration)
        self.policy = AccessPolicy(offices: configuration.offices)
        self.logger = logger
        self.filingLimit = filingLimit
        self.enforcement = enforcement
        self.sharingOffices = configuration.offices.offices.filter { $0.sharing == .office }.map(\.code.rawValue).sorted()
    }

    /// Runs `body` in a transaction acting for `scope`: row security sees that actor.
    func transaction<Result: Sendable>(
        _ scope: SessionScope, _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        let tell = telling(scope)
        return try await pool.withTransaction { connection in
            tell(connection)
            return try body(connection)
        }
    }

    /// Reads `statement` in a transaction of its own acting for `scope`, in one round trip
    /// (BEGIN, the scope, the statement and COMMIT sent together).
    func read(_ scope: SessionScope, _ statement: PostgresQuery) async throws -> PostgresRows {
        let tell = telling(scope)
        return try await pool.withConnectionOnItsThread { connection in
            try connection.withOneStatementTransaction { connection in
                tell(connection)
                return statement
            }
        }
    }

    /// A transaction whose body awaits between statements (an upload's bytes as they arrive),
    /// holding its pooled connection meanwhile.
    func awaitingTransaction<Result: Sendable>(
        _ scope: SessionScope, _ body: @Sendable (isolated PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let tell = telling(scope)
        return try await pool.withConnection { connection in
            try await connection.withTransaction { connection in
                tell(connection)
                return try await body(connection)
            }
        }
    }

    /// What tells PostgreSQL, at a transaction's start, who acts for `scope` (held back to go
    /// with the transaction's first statement).
    private func telling(_ scope: SessionScope) -> @Sendable (isolated PostgresConnection) -> Void {
        let sharing = sharingOffices
        let followsUp = if case .person(let actor) = scope { policy.followsUpRecommendations(actor) } else { false }
        let keys = keyRing
        return { connection in scope.apply(sharingOffices: sharing, followsUp: followsUp, keys: keys, connection) }
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

    /// The access the store acts on: the policy's, or (tests of row security alone) whatever
    /// row security let through, as if the store had forgotten to check.
    func checkedAccess(_ actor: Actor, to record: CaseRecord) -> CaseAccess { checked(access(actor, to: record)) }

    /// What `actor` may see and do of a case listed for them.
    func access(_ actor: Actor, to listing: CaseListing) -> CaseAccess {
        guard let workflow = catalog.workflow(version: listing.workflowVersionID) else { return .denied }
        return policy.access(for: actor, to: listing.accessFacts(workflow, reader: actor.id))
    }

    func checkedAccess(_ actor: Actor, to listing: CaseListing) -> CaseAccess { checked(access(actor, to: listing)) }

    private func checked(_ decided: CaseAccess) -> CaseAccess {
        guard enforcement == .databaseOnly, !decided.discloses(.summary) else { return decided }
        return CaseAccess(view: .full, actions: Set(CaseAction.allCases))
    }

    /// What `filed_by` holds for a case `actor` filed: the key ring's tag of their id, or
    /// their id on a row filed before tags.
    func filerTags(_ actor: Actor) -> Set<String> { [keyRing.filerTag(actor.id), actor.id] }

    // MARK: - Reading

    /// Reads a case, locking the row when `forUpdate`.
    func load(_ reference: String, forUpdate: Bool, _ connection: isolated PostgresConnection) throws -> CaseRecord? {
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(" FROM cases WHERE reference = \(reference)")
        if forUpdate { query.append(" FOR UPDATE") }
        return try connection.query(query.prepared()).first.map { try CaseRecord(row: $0, keys: keyRing) }
    }

    /// Locks a case for a change by `actor`; a case they may not see is `notFound`, exactly
    /// like a missing one.
    func lockVisible(_ reference: String, for actor: Actor, _ connection: isolated PostgresConnection) throws -> (CaseRecord, CaseAccess) {
        guard let record = try load(reference, forUpdate: true, connection) else { throw CaseStoreError.notFound }
        let access = checkedAccess(actor, to: record)
        guard access.discloses(.summary) else { throw CaseStoreError.notFound }
        return (record, access)
    }

    /// The case as `actor` may see it, with its links, or `notFound` (also when it exists but
    /// is hidden).
    public func find(_ reference: String, for actor: Actor) async throws -> (record: CaseRecord, access: CaseAccess) {
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(PostgresQuery(stringLiteral: CaseRecord.linksColumn))
        query.append(" FROM cases WHERE reference = \(reference)")
        let prepared = query.prepared()
        guard let row = try await read(.person(actor), prepared).first else { throw CaseStoreError.notFound }
        let record = try CaseRecord(row: row, keys: keyRing)
        let access = checkedAccess(actor, to: record)
        guard access.discloses(.summary) else { throw CaseStoreError.notFound }
        return (record, access)
    }

    /// The `RETURNING` clause that gives back the whole updated case.
    static func returningCase() -> PostgresQuery {
        var query: PostgresQuery = " RETURNING "
        query.append(CaseRecord.select)
        return query
    }

    /// The cases `actor` filed, newest first.
    public func filings(of actor: Actor, limit: Int = 100) async throws -> [CaseRecord] {
        var query: PostgresQuery = "SELECT "
        query.append(CaseRecord.select)
        query.append(
            " FROM cases WHERE filed_by IN (\(keyRing.filerTag(actor.id)), \(actor.id)) ORDER BY opened_at DESC, id LIMIT \(limit)")
        let statement = query
        let rows = try await read(.person(actor), statement)
        return try rows.map { try CaseRecord(row: $0, keys: keyRing) }.filter { access(actor, to: $0).discloses(.summary) }
    }

    // MARK: - Appending history

    /// Appends events to the case's chain and returns the new head. `facts` (what the change
    /// did to the case row) go into the last event's data.
    static func appendEvents(
        _ events: [NewEvent], facts: [String: String] = [:], to caseID: UUID,
        after head: (seq: Int, hash: Data), actor: String, at now: Date, _ connection: isolated PostgresConnection
    ) throws -> (seq: Int, hash: Data) {
        var head = head
        for built in chain(events, facts: facts, caseID: caseID, after: head, actor: actor, at: now) {
            insert(built, connection)
            head = (built.seq, built.hash)
        }
        return head
    }

    /// Sent with the transaction's next statement (or its COMMIT): nothing reads its result.
    static func insert(_ event: CaseEvent, _ connection: isolated PostgresConnection) {
        connection.sendWithNext(event.insert().prepared())
    }

    /// The hashed events, facts merged into the last one; `actor` for those that name none.
    static func chain(
        _ events: [NewEvent], facts: [String: String], caseID: UUID, after head: (seq: Int, hash: Data), actor: String, at now: Date
    ) -> [CaseEvent] {
        var previous = head
        var built: [CaseEvent] = []
        for (index, event) in events.enumerated() {
            var data = event.data
            if index == events.count - 1 { data.merge(facts) { _, fact in fact } }
            let next = CaseEventChain.append(caseID: caseID, after: previous, kind: event.kind, actor: event.actor ?? actor, at: now, data: data)
            built.append(next)
            previous = (next.seq, next.hash)
        }
        return built
    }

    /// Queues a notification in the same transaction as the change that caused it. Payloads
    /// carry references and roles, never who reported.
    static func enqueue(_ kind: String, caseID: UUID, payload: [String: String], _ connection: isolated PostgresConnection) {
        connection.sendWithNext(
            ("INSERT INTO outbox (case_id, kind, payload) VALUES (\(caseID), \(kind), \(PostgresJSON(payload)))" as PostgresQuery).prepared())
    }
}

/// How the history names people who must stay need-to-know: the reporter appears as the role,
/// decided when the event is written (the history is append-only, so it cannot be filtered
/// afterwards).
public enum EventActor {
    public static let reporter = "reporter"
    /// The subject of the allegation, in their own response (the investigators know who they
    /// are; the history need not carry the id).
    public static let subject = "subject"
    public static let routing = "system:routing"
}
