import Foundation
import Logging
import OversightDomain
import PostgresClient

/// Filters of an office's triage queue; nil means "any".
public struct QueueFilter: Sendable, Hashable {
    public var state: String?
    public var priority: Priority?
    public var category: String?
    public var assignee: String?
    public var unassigned = false
    public var overdue = false
    public var region: String?
    /// The kind (the audit plan: `audit` at OIG; the evaluation pipeline: `evaluation` at EVM).
    public var kind: CaseKind?

    public init() {}
}

/// Where a page of the queue ended: the sort key of its last case (keyset pagination).
public struct QueuePosition: Sendable, Hashable, Codable {
    public let priorityRank: Int
    public let dueAt: Date
    public let openedAt: Date
    public let id: UUID

    public init(priorityRank: Int, dueAt: Date, openedAt: Date, id: UUID) {
        self.priorityRank = priorityRank
        self.dueAt = dueAt
        self.openedAt = openedAt
        self.id = id
    }
}

public struct QueuePage: Sendable {
    public let cases: [CaseListing]
    /// Where the next page starts; nil on the last page.
    public let next: QueuePosition?
}

extension CaseStore {
    public static let maximumPageSize = 100

    /// The store's own mirror of the access policy, for the lists that read many cases (the
    /// queue, search): conditions on `cases`, each starting " AND", keeping to the cases
    /// `actor` works. Not a party to, not their own filing, not sealed from one of their
    /// offices; a head-only case for the head (or the assignee they chose); in an office that
    /// does not share, an officer's own assigned cases only. Row security applies the same
    /// rules again underneath (and alone, in the tests that switch this off).
    func accessMirror(_ actor: Actor) -> PostgresQuery {
        let myOffices = Set(actor.memberships.map(\.office.rawValue)).sorted()
        // Offices where the actor sees every case: lead, head, or officer where the office shares.
        let wide = actor.memberships.filter { membership in
            membership.role == .lead || membership.role == .head
                || (membership.role == .officer && configuration.offices.office(membership.office)?.sharing == .office)
        }.map(\.office.rawValue).sorted()
        let heads = actor.memberships.filter { $0.role == .head }.map(\.office.rawValue).sorted()
        return """
             AND NOT (cases.sealed_from && \(myOffices)::text[])
             AND cases.filed_by IS DISTINCT FROM \(keyRing.filerTag(actor.id)) AND cases.filed_by IS DISTINCT FROM \(actor.id)
             AND NOT (\(actor.id) = ANY (cases.subject_ids) OR \(actor.id) = ANY (cases.conflicted_ids)
                      OR \(actor.id) = ANY (cases.witness_ids) OR \(actor.id) = ANY (cases.reporter_ids))
             AND (NOT cases.restricted_to_head OR cases.assignee = \(actor.id) OR cases.office = ANY(\(heads)::text[]))
             AND (cases.office = ANY(\(wide)::text[]) OR cases.assignee = \(actor.id))
            """
    }

    /// An office's open cases for one of its officers, leads or heads: sorted by priority,
    /// then due date, then age, without the cases the reader is recused from, sealed away
    /// from, restricted from, or (for officers of offices that do not share) not assigned.
    public func queue(
        office: OfficeCode, for actor: Actor, filter: QueueFilter = QueueFilter(), after position: QueuePosition? = nil,
        limit: Int = 50, at time: Date? = nil
    ) async throws -> QueuePage {
        let now = time ?? clock()
        guard actor.caseRole(in: office) != nil else { throw CaseStoreError.forbidden(.read) }
        let pageSize = max(1, min(limit, Self.maximumPageSize))

        var query: PostgresQuery = "SELECT "
        query.append(CaseListing.select)
        query.append(" FROM cases WHERE cases.office = \(office.rawValue) AND cases.closed_at IS NULL")
        // The store's own mirror of the access policy; row security applies the same rules
        // again underneath (and alone, in the test that switches these off).
        if enforcement == .storeAndDatabase { query.append(accessMirror(actor)) }
        if let state = filter.state { query.append(" AND cases.state = \(state)") }
        // By rank, the queue index's second column: a text comparison would scan past every
        // more urgent case first.
        if let priority = filter.priority { query.append(" AND cases.priority_rank = \(Int16(priority.rank))") }
        if let category = filter.category { query.append(" AND cases.category = \(category)") }
        if let assignee = filter.assignee { query.append(" AND cases.assignee = \(assignee)") }
        if filter.unassigned { query.append(" AND cases.assignee IS NULL") }
        if filter.overdue { query.append(" AND cases.due_at < \(now)") }
        if let region = filter.region { query.append(" AND cases.region = \(region)") }
        if let kind = filter.kind { query.append(" AND cases.kind = \(kind.rawValue)") }
        if let position {
            query.append(
                """
                 AND (cases.priority_rank, cases.due_at, cases.opened_at, cases.id) > (\(Int16(position.priorityRank)), \(position.dueAt), \(position.openedAt), \(position.id))
                """)
        }
        query.append(" ORDER BY cases.priority_rank, cases.due_at, cases.opened_at, cases.id LIMIT \(pageSize + 1)")

        // Prepared: planning the page under row security cost PostgreSQL an eighth of it. The
        // COMMIT goes after the page, not with it (`read`): on the bench's two shared cores the
        // one-trip form gave 11 % more pages a second but twice the p99 (22 ms against 12), the
        // backend's longer burst losing the CPU to the service's threads
        // (Benchmarks/results/round-trips-2026-12-06.md).
        let prepared = query.prepared()
        let rows = try await transaction(.person(actor)) { connection in try connection.query(prepared) }
        let readerTags = filerTags(actor)
        var records = try rows.map { try CaseListing(row: $0, keys: keyRing, readerTags: readerTags) }
        let more = records.count > pageSize
        if more { records.removeLast() }
        // The next page starts after the last row read, whatever is shown of this one.
        let next =
            more
            ? records.last.map {
                QueuePosition(priorityRank: $0.priority.rank, dueAt: $0.dueAt, openedAt: $0.openedAt, id: $0.id)
            } : nil
        if enforcement == .storeAndDatabase {
            // The SQL above is the access policy (and row security applies it again): a row
            // the policy refuses here means they drifted apart. Never shown; logged.
            let shown = records.filter { access(actor, to: $0).discloses(.content) }
            if shown.count != records.count {
                logger.error("queue SQL and access policy disagree", metadata: ["office": "\(office)", "hidden": "\(records.count - shown.count)"])
            }
            records = shown
        }
        return QueuePage(cases: records, next: next)
    }
}
