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
    public let cases: [CaseListing]
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
    func indexNewCase(_ caseID: UUID, office: OfficeCode, openedAt: Date, texts: [String], _ connection: isolated PostgresConnection) {
        let tags = wordTags(SearchWords.words(texts.joined(separator: "\n")))
        connection.sendWithNext(
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
    public static let searchCountLimit = 100
    /// The cases matching `query` that `actor` works (officer, lead or head of their office),
    /// newest first, with how many there are (counted up to `searchCountLimit`). Candidates
    /// come from the blind index of the actor's own offices, newest first, a window of hours at
    /// a time (`SearchWindow`); each is checked under row security and the store's own mirror of
    /// the access policy before it counts, so a case the actor may not see is never returned,
    /// counted or paged over.
    public func search(
        _ query: SearchQuery, filter: SearchFilter = SearchFilter(), for actor: Actor, after position: SearchPosition? = nil,
        limit: Int = defaultListLimit
    ) async throws -> SearchPage {
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        var offices = Set(actor.memberships.filter { Role.caseRoles.contains($0.role) }.map(\.office.rawValue))
        if let office = filter.office { offices = offices.intersection([office.rawValue]) }
        guard !query.isEmpty, !offices.isEmpty else { return SearchPage(cases: [], total: 0, totalIsExact: true, next: nil) }
        let sortedOffices = offices.sorted()
        let reading = SearchReading(
            offices: sortedOffices, indexOffices: sortedOffices.map(IndexOffice.init), words: wordTags(query.words),
            references: query.references, visible: visibleCases(actor, filter: filter), now: clock(), probeSize: searchProbeSize)
        let counting = Self.searchCountLimit
        let keys = keyRing

        let (rows, total, more) = try await transaction(.person(actor)) { (connection) -> ([PostgresRow], Int, Bool) in
            // The count starts from the newest match whatever the page; a first page is the
            // count's beginning.
            let counted = try reading.visibleMatches(from: nil, upTo: counting + 1, connection)
            var matches = counted
            if let position { matches = try reading.visibleMatches(from: position, upTo: pageSize + 1, connection) }
            let shown = matches.prefix(pageSize).map(\.id)
            guard !shown.isEmpty else { return ([], counted.count, false) }
            var page: PostgresQuery = "SELECT "
            page.append(CaseListing.select)
            page.append(" FROM cases WHERE cases.id = ANY(\(shown)::uuid[])")
            page.append(reading.visible)
            page.append(" ORDER BY cases.opened_at DESC, cases.id DESC")
            return (Array(try connection.query(page.prepared())), counted.count, matches.count > pageSize)
        }
        let readerTags = filerTags(actor)
        let records = try rows.map { try CaseListing(row: $0, keys: keys, readerTags: readerTags) }
        return SearchPage(
            cases: records.filter { checkedAccess(actor, to: $0).discloses(.summary) }, total: min(total, counting),
            totalIsExact: total <= counting, next: more ? records.last.map { SearchPosition(openedAt: $0.openedAt, id: $0.id) } : nil)
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
