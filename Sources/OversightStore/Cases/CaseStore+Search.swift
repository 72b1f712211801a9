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
    /// Every case that matches and that the caller may see: never one they may not.
    public let total: Int
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

    /// The cases matching `query` that `actor` works (officer, lead or head of their office),
    /// newest first, with how many there are. Candidates come from the blind index of the
    /// actor's own offices; the cases are then read under row security and the store's own
    /// mirror of the access policy, so a case the actor may not see is never returned, counted
    /// or paged over.
    public func search(
        _ query: SearchQuery, filter: SearchFilter = SearchFilter(), for actor: Actor, after position: SearchPosition? = nil,
        limit: Int = defaultListLimit
    ) async throws -> SearchPage {
        let pageSize = max(1, min(limit, Self.maximumPageSize))
        var offices = Set(actor.memberships.filter { Role.caseRoles.contains($0.role) }.map(\.office.rawValue))
        if let office = filter.office { offices = offices.intersection([office.rawValue]) }
        guard !query.isEmpty, !offices.isEmpty else { return SearchPage(cases: [], total: 0, next: nil) }
        let searched = offices.sorted()
        let myOffices = Set(actor.memberships.map(\.office.rawValue)).sorted()
        // Offices where the actor sees every case (lead, head, or an officer where the office
        // shares); elsewhere an officer sees the cases assigned to them.
        let wide = actor.memberships.filter { membership in
            membership.role == .lead || membership.role == .head
                || (membership.role == .officer && configuration.offices.office(membership.office)?.sharing == .office)
        }.map(\.office.rawValue).sorted()
        let heads = actor.memberships.filter { $0.role == .head }.map(\.office.rawValue).sorted()

        var matches: PostgresQuery =
            "WITH matches AS (SELECT cases.id AS match_id, cases.opened_at AS match_opened_at, count(*) OVER () AS match_total FROM cases WHERE cases.office = ANY(\(searched)::text[])"
        if !query.words.isEmpty {
            matches.append(
                """
                 AND cases.id IN (SELECT s.case_id FROM case_search s WHERE s.tags @> \(wordTags(query.words))::int8[]
                                  AND s.office = ANY(\(searched)::text[]))
                """)
        }
        if !query.references.isEmpty { matches.append(" AND cases.reference = ANY(\(query.references)::text[])") }
        if enforcement == .storeAndDatabase {
            matches.append(
                """
                 AND NOT (cases.sealed_from && \(myOffices)::text[])
                 AND cases.filed_by IS DISTINCT FROM \(keyRing.filerTag(actor.id)) AND cases.filed_by IS DISTINCT FROM \(actor.id)
                 AND NOT (\(actor.id) = ANY (cases.subject_ids) OR \(actor.id) = ANY (cases.conflicted_ids)
                          OR \(actor.id) = ANY (cases.witness_ids) OR \(actor.id) = ANY (cases.reporter_ids))
                 AND (NOT cases.restricted_to_head OR cases.assignee = \(actor.id) OR cases.office = ANY(\(heads)::text[]))
                 AND (cases.office = ANY(\(wide)::text[]) OR cases.assignee = \(actor.id))
                """)
        }
        if let kind = filter.kind { matches.append(" AND cases.kind = \(kind.rawValue)") }
        if let state = filter.state { matches.append(" AND cases.state = \(state)") }
        if let category = filter.category { matches.append(" AND cases.category = \(category)") }
        if let region = filter.region { matches.append(" AND cases.region = \(region)") }
        if let party = filter.party {
            matches.append(
                """
                 AND (\(party) = ANY (cases.subject_ids) OR \(party) = ANY (cases.witness_ids) OR \(party) = ANY (cases.conflicted_ids)
                      OR \(party) = ANY (cases.reporter_ids))
                """)
        }
        matches.append(") SELECT ")
        matches.append(CaseRecord.select)
        matches.append(", matches.match_total FROM matches JOIN cases ON cases.id = matches.match_id")
        if let position { matches.append(" WHERE (matches.match_opened_at, matches.match_id) < (\(position.openedAt), \(position.id))") }
        matches.append(" ORDER BY matches.match_opened_at DESC, matches.match_id DESC LIMIT \(pageSize + 1)")

        let statement = matches
        let rows = try await transaction(.person(actor)) { connection in try connection.query(statement) }
        let total = try rows.first?.decode("match_total", as: Int.self) ?? 0
        var records = try rows.map { try CaseRecord(row: $0, keys: keyRing) }
        let more = records.count > pageSize
        if more { records.removeLast() }
        return SearchPage(
            cases: records.filter { checkedAccess(actor, to: $0).discloses(.summary) }, total: total,
            next: more ? records.last.map { SearchPosition(openedAt: $0.openedAt, id: $0.id) } : nil)
    }
}
