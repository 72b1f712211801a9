import Foundation
import OversightDomain
import PostgresClient

/// What a search looks for: words (all must occur in the case's title, narrative, notes or
/// messages) and references, from one query text.
public struct SearchQuery: Sendable, Hashable {
    public let words: [String]
    public let references: [String]

    public init(_ text: String) {
        var references: [String] = []
        var rest: [String] = []
        for token in text.split(whereSeparator: \.isWhitespace) {
            if let reference = CaseReference(String(token)) { references.append(reference.description) } else { rest.append(String(token)) }
        }
        self.references = references
        words = Array(SearchWords.words(rest.joined(separator: " ")).prefix(SearchWords.maximumQueryWords))
    }

    public var isEmpty: Bool { words.isEmpty && references.isEmpty }
}

/// Filters of a search besides its text; nil means any.
public struct SearchFilter: Sendable, Hashable {
    public var office: OfficeCode?
    public var kind: CaseKind?
    public var state: String?
    public var category: String?
    public var region: String?
    /// A person named on the case (subject, witness, declared conflict or co-reporter).
    public var party: String?

    public init() {}
}

/// Where a page of results ended (newest first).
public struct SearchPosition: Sendable, Hashable, Codable {
    public let openedAt: Date
    public let id: UUID

    public init(openedAt: Date, id: UUID) {
        self.openedAt = openedAt
        self.id = id
    }
}

public struct SearchPage: Sendable {
    public let cases: [CaseRecord]
    /// How many cases match that the caller may see (never one they may not), up to
    /// `CaseStore.searchCountLimit`.
    public let total: Int
    /// False when there are more than `total`.
    public let totalIsExact: Bool
    public let next: SearchPosition?
}

extension CaseStore {
    /// The blind index's tags of `words` (keyed: the database holds no word).
    func wordTags(_ words: [String]) -> [Int64] { words.map { keyRing.tagBits("word", $0) } }

    /// Indexes a new case's words. (No conflict clause: one would need the filer to pass the
    /// read policy, and the index of a case at another office is not theirs to read.)
    func indexNewCase(_ caseID: UUID, office: OfficeCode, openedAt: Date, texts: [String], _ connection: isolated PostgresConnection) throws {
        let tags = wordTags(SearchWords.words(texts.joined(separator: "\n")))
        try connection.execute(
            ("INSERT INTO case_search (case_id, office, opened_at, tags) VALUES (\(caseID), \(office.rawValue), \(openedAt), \(tags))"
                as PostgresQuery).prepared())
    }

    /// Adds the words of a note or message to its case's index.
    func indexMore(_ caseID: UUID, text: String, _ connection: isolated PostgresConnection) throws {
        let tags = wordTags(SearchWords.words(text))
        guard !tags.isEmpty else { return }
        try connection.execute(
            ("""
            UPDATE case_search SET tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || \(tags)::int8[]) AS t) WHERE case_id = \(caseID)
            """ as PostgresQuery).prepared())
    }

    /// Most matching cases a search counts: past it the total says "at least".
    public static let searchCountLimit = 200
    /// The cases matching `query` that `actor` works (officer, lead or head of their office),
    /// newest first, with how many there are (counted up to `searchCountLimit`). Candidates
    /// come from the blind index of the actor's own offices, newest first, a round at a time;
    /// the cases are then read under row security and the store's own mirror of the access
    /// policy, so a case the actor may not see is never returned, counted or paged over.
    public func search(
        _ query: SearchQuery, filter: SearchFilter = SearchFilter(), for actor: Actor, after position: SearchPosition? = nil,
        limit: Int = defaultListLimit
    ) async throws -> SearchPage {
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        var offices = Set(actor.memberships.filter { Role.caseRoles.contains($0.role) }.map(\.office.rawValue))
        if let office = filter.office { offices = offices.intersection([office.rawValue]) }
        guard !query.isEmpty, !offices.isEmpty else { return SearchPage(cases: [], total: 0, totalIsExact: true, next: nil) }
        let searched = offices.sorted()
        let candidates = searchCandidates(query, offices: searched)
        let visible = visibleCases(actor, filter: filter)
        let counting = Self.searchCountLimit
        let round = searchRound
        let keys = keyRing

        var count: PostgresQuery = "SELECT count(*) AS n FROM (SELECT 1 FROM ("
        count.append(candidates)
        count.append(") candidate JOIN cases ON cases.id = candidate.case_id WHERE true")
        count.append(visible)
        count.append(" LIMIT \(counting + 1)) counted")
        let countStatement = count

        let (rows, total) = try await transaction(.person(actor)) { connection in
            let total = try connection.query(countStatement)[0].decode("n", as: Int.self)
            var rows: [PostgresRow] = []
            var after = position
            // A round: the next candidates by age, then those of them the actor may see.
            while rows.count <= pageSize {
                var next: PostgresQuery = "SELECT case_id, opened_at FROM ("
                next.append(candidates)
                next.append(") candidate WHERE true")
                if let after { next.append(" AND (opened_at, case_id) < (\(after.openedAt), \(after.id))") }
                next.append(" ORDER BY opened_at DESC, case_id DESC LIMIT \(round)")
                let found = try connection.query(next)
                guard let last = found.last else { break }
                let ids = try found.map { try $0.decode("case_id", as: UUID.self) }
                var page: PostgresQuery = "SELECT "
                page.append(CaseRecord.select)
                page.append(" FROM cases WHERE cases.id = ANY(\(ids)::uuid[])")
                page.append(visible)
                page.append(" ORDER BY cases.opened_at DESC, cases.id DESC LIMIT \(pageSize + 1 - rows.count)")
                rows += try connection.query(page)
                guard found.count == round else { break }
                after = SearchPosition(openedAt: try last.decode("opened_at"), id: try last.decode("case_id"))
            }
            return (rows, total)
        }
        var records = try rows.map { try CaseRecord(row: $0, keys: keys) }
        let more = records.count > pageSize
        if more { records.removeLast() }
        return SearchPage(
            cases: records.filter { checkedAccess(actor, to: $0).discloses(.summary) }, total: min(total, counting),
            totalIsExact: total <= counting, next: more ? records.last.map { SearchPosition(openedAt: $0.openedAt, id: $0.id) } : nil)
    }

    /// The index's cases of `offices` holding every word (and reference) of `query`.
    private func searchCandidates(_ query: SearchQuery, offices: [String]) -> PostgresQuery {
        var candidates: PostgresQuery = "SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY(\(offices)::text[])"
        if !query.words.isEmpty { candidates.append(" AND s.tags @> \(wordTags(query.words))::int8[]") }
        if !query.references.isEmpty {
            candidates.append(" AND s.case_id IN (SELECT r.id FROM cases r WHERE r.reference = ANY(\(query.references)::text[]))")
        }
        return candidates
    }

    /// The conditions (each starting " AND") that keep to the cases `actor` may see (the
    /// queue's mirror of the access policy, for every office they work in) and the filter's.
    private func visibleCases(_ actor: Actor, filter: SearchFilter) -> PostgresQuery {
        var visible: PostgresQuery = ""
        if enforcement == .storeAndDatabase { visible.append(accessMirror(actor)) }
        if let kind = filter.kind { visible.append(" AND cases.kind = \(kind.rawValue)") }
        if let state = filter.state { visible.append(" AND cases.state = \(state)") }
        if let category = filter.category { visible.append(" AND cases.category = \(category)") }
        if let region = filter.region { visible.append(" AND cases.region = \(region)") }
        if let party = filter.party {
            visible.append(
                """
                 AND (\(party) = ANY (cases.subject_ids) OR \(party) = ANY (cases.witness_ids) OR \(party) = ANY (cases.conflicted_ids)
                      OR \(party) = ANY (cases.reporter_ids))
                """)
        }
        return visible
    }
}
