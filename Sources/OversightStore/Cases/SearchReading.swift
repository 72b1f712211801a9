import Foundation
import PostgresClient

/// One search's reads of the index: which offices, words and references, and the conditions
/// that keep to the cases the reader may see.
struct SearchReading: Sendable {
    let offices: [String]
    /// The same offices as the index's block tags name them.
    let indexOffices: [IndexOffice]
    /// The blind index's tags of the query's words.
    let words: [Int64]
    let references: [String]
    /// Conditions on `cases` (each starting " AND"): the access mirror and the filters.
    let visible: PostgresQuery
    let now: Date
    let probeSize: Int

    /// The newest matches after `position` that the reader may see, up to `need` of them,
    /// newest first. A window is read until it has no more matches; each read returns at most
    /// `probeSize` candidates with whether the reader may see each.
    func visibleMatches(from position: SearchPosition?, upTo need: Int, _ connection: isolated PostgresConnection) throws -> [SearchPosition] {
        var found: [SearchPosition] = []
        // A search by reference alone reads no hours: its few cases come from their references.
        var window: SearchWindow? = words.isEmpty ? nil : .first(at: position?.openedAt ?? now)
        let newest = window?.newestHour ?? 0
        var after = position
        var read = 0
        while found.count < need {
            let limit = min(need - found.count, probeSize)
            let rows = try connection.query(probe(window, after: after, limit: limit).prepared())
            read += rows.count
            for row in rows where try row.decode("visible", as: Bool.self) {
                found.append(SearchPosition(openedAt: try row.decode("opened_at"), id: try row.decode("case_id")))
            }
            if rows.count == limit, let last = rows.last {
                after = SearchPosition(openedAt: try last.decode("opened_at"), id: try last.decode("case_id"))
                continue
            }
            guard let older = window?.older(read: read, wanted: need - found.count, since: newest) else { break }
            window = older
        }
        return found
    }

    /// The newest `limit` candidates of `window` after `after`, each with whether the reader
    /// may see it (the cases' row security and the store's mirror of it both apply).
    private func probe(_ window: SearchWindow?, after: SearchPosition?, limit: Int) -> PostgresQuery {
        var probe: PostgresQuery = "SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id"
        probe.append(visible)
        probe.append(") AS visible FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY(\(offices)::text[])")
        if !words.isEmpty {
            // The index's expression (Schema/0029): the case's word tags and its blocks of hours'.
            probe.append(" AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> \(words)::int8[]")
        }
        if let window { probe.append(window.condition(at: indexOffices)) }
        if !references.isEmpty {
            probe.append(" AND s.case_id IN (SELECT r.id FROM cases r WHERE r.reference = ANY(\(references)::text[]))")
        }
        if let after { probe.append(" AND (s.opened_at, s.case_id) < (\(after.openedAt), \(after.id))") }
        probe.append(" ORDER BY s.opened_at DESC, s.case_id DESC LIMIT \(limit)) c ORDER BY c.opened_at DESC, c.case_id DESC")
        return probe
    }
}
