import Foundation
import PostgresClient

/// A run of weeks of the search index, read newest first. Each case's index entry carries the
/// week it was opened in (`case_search_week`, Schema/0028), so the GIN index answers "these
/// words in these weeks" without reading the rows of older matches. A search reads two weeks
/// (this one and the next, for a clock a little behind the database's), then one, two, four
/// and so on to 64, then every older week at once: a common word fills its page from the first
/// windows, reading about as many rows as it returns; a rare one reaches the last window after
/// eight reads of the index, each of them cheap since the word has few entries.
enum SearchWindow: Equatable {
    /// These weeks; the window after them is `nextWidth` weeks wide.
    case weeks(ClosedRange<Int>, nextWidth: Int)
    /// Every week before this one.
    case before(week: Int)

    /// A week's length: weeks count from 1970-01-01, as `case_search_week` counts them.
    static let seconds: TimeInterval = 604_800
    static let widest = 64

    static func week(of date: Date) -> Int { Int((date.timeIntervalSince1970 / seconds).rounded(.down)) }

    /// The newest window: the week of `date` and the next one.
    static func first(at date: Date) -> SearchWindow {
        let week = week(of: date)
        return .weeks(week...(week + 1), nextWidth: 1)
    }

    /// The window after this one, nil after the last.
    var older: SearchWindow? {
        guard case .weeks(let weeks, let width) = self else { return nil }
        if width > Self.widest { return .before(week: weeks.lowerBound) }
        return .weeks((weeks.lowerBound - width)...(weeks.lowerBound - 1), nextWidth: width * 2)
    }

    /// The condition (starting " AND") on the index row `s` that keeps to this window.
    var condition: PostgresQuery {
        switch self {
        case .weeks(let weeks, _):
            // The index's expression (Schema/0028), with the weeks' tags as it makes them.
            let tags = weeks.map { -(1_000_000 + Int64($0)) }
            return " AND (s.tags || case_search_week(s.opened_at)) && \(tags)::int8[]"
        case .before(let week):
            return " AND s.opened_at < \(Date(timeIntervalSince1970: TimeInterval(week) * Self.seconds))"
        }
    }
}

/// One search's reads of the index: which offices, words and references, and the conditions
/// that keep to the cases the reader may see.
struct SearchReading: Sendable {
    let offices: [String]
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
        // A search by reference alone reads no weeks: its few cases come from their references.
        var window: SearchWindow? = words.isEmpty ? nil : .first(at: position?.openedAt ?? now)
        var after = position
        while found.count < need {
            let limit = min(need - found.count, probeSize)
            let rows = try connection.query(probe(window, after: after, limit: limit).prepared())
            for row in rows where try row.decode("visible", as: Bool.self) {
                found.append(SearchPosition(openedAt: try row.decode("opened_at"), id: try row.decode("case_id")))
            }
            if rows.count == limit, let last = rows.last {
                after = SearchPosition(openedAt: try last.decode("opened_at"), id: try last.decode("case_id"))
                continue
            }
            guard let older = window?.older else { break }
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
            // The index's expression (Schema/0028): the case's word tags and its week's.
            probe.append(" AND (s.tags || case_search_week(s.opened_at)) @> \(words)::int8[]")
        }
        if let window { probe.append(window.condition) }
        if !references.isEmpty {
            probe.append(" AND s.case_id IN (SELECT r.id FROM cases r WHERE r.reference = ANY(\(references)::text[]))")
        }
        if let after { probe.append(" AND (s.opened_at, s.case_id) < (\(after.openedAt), \(after.id))") }
        probe.append(" ORDER BY s.opened_at DESC, s.case_id DESC LIMIT \(limit)) c ORDER BY c.opened_at DESC, c.case_id DESC")
        return probe
    }
}
