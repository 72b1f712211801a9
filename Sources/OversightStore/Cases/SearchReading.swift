import Foundation
import PostgresClient

/// A block of weeks the search index tags each case with (`case_search_weeks`, Schema/0028):
/// its week (level 0), its 8-week block (level 3) or its 64-week block (level 6), counted from
/// 1970-01-01.
struct IndexBlock: Hashable {
    /// The block is 2^level weeks long.
    let level: Int
    /// Its number at its level: its first week divided by 2^level.
    let number: Int

    static let levels = [6, 3, 0]

    var weeks: ClosedRange<Int> { (number << level)...(((number + 1) << level) - 1) }
    /// The index's tag of the block, as `case_search_weeks` makes it.
    var tag: Int64 { -(Int64(level + 1) * 1_000_000 + Int64(number)) }
}

/// A run of weeks of the search index, read newest first. Since each case's index entry
/// carries the blocks of weeks it was opened in, the GIN index answers "these words in these
/// weeks" without reading the rows of older matches. A search reads two weeks (this one and
/// the next, for a clock a little behind the database's), then about one, two, four and so on
/// to 256, then every older week at once: a common word fills its page from the first windows,
/// reading about as many rows as it needs. Each window asks for at most `mostBlocks` blocks,
/// the largest that fit: the index's cost grows with the entries asked for. A word that turns
/// out sparse (fewer matches than weeks read after the first four weeks) goes to the last
/// window at once: reading its few older matches costs less than many windows.
enum SearchWindow: Equatable {
    /// These weeks, as these blocks; the window after them is up to `nextWidth` weeks wide.
    case weeks(ClosedRange<Int>, blocks: [IndexBlock], nextWidth: Int)
    /// Every week before this one.
    case before(week: Int)

    /// A week's length: weeks count from 1970-01-01, as `case_search_weeks` counts them.
    static let seconds: TimeInterval = 604_800
    static let widest = 256
    static let mostBlocks = 8
    /// How many weeks are read before a word may be judged sparse: the first week may have
    /// just begun.
    static let weeksBeforeJudging = 4

    static func week(of date: Date) -> Int { Int((date.timeIntervalSince1970 / seconds).rounded(.down)) }

    /// The newest window: the week of `date` and the next one.
    static func first(at date: Date) -> SearchWindow {
        let week = week(of: date)
        return .weeks(week...(week + 1), blocks: [IndexBlock(level: 0, number: week + 1), IndexBlock(level: 0, number: week)], nextWidth: 1)
    }

    /// The window after this one, nil after the last, when `read` candidates came from the
    /// weeks since `newest` (this window's included).
    func older(read: Int, since newest: Int) -> SearchWindow? {
        guard case .weeks(let weeks, _, let width) = self else { return nil }
        let weeksRead = newest - weeks.lowerBound + 1
        let sparse = weeksRead >= Self.weeksBeforeJudging && read < weeksRead
        if width > Self.widest || sparse { return .before(week: weeks.lowerBound) }
        let blocks = Self.blocks(below: weeks.lowerBound, width: width)
        let covered = blocks.reduce(0) { $0 + (1 << $1.level) }
        return .weeks((weeks.lowerBound - covered)...(weeks.lowerBound - 1), blocks: blocks, nextWidth: width * 2)
    }

    /// About `width` weeks just before week `end`, as whole blocks, newest first (at most
    /// `mostBlocks` of them). The far edge is rounded down to the largest block size that fits
    /// in `width`, so that the next window starts on a boundary of that size and asks for few
    /// blocks; a window is thus up to twice as wide as asked.
    static func blocks(below end: Int, width: Int) -> [IndexBlock] {
        let scale = IndexBlock.levels.first { 1 << $0 <= width } ?? 0
        let edge = ((end - width) >> scale) << scale
        var blocks: [IndexBlock] = []
        var end = end
        while end > edge, blocks.count < mostBlocks {
            // A week always fits, so some level does.
            let level = IndexBlock.levels.first { end.isMultiple(of: 1 << $0) && end - (1 << $0) >= edge } ?? 0
            blocks.append(IndexBlock(level: level, number: (end >> level) - 1))
            end -= 1 << level
        }
        return blocks
    }

    var newestWeek: Int? {
        guard case .weeks(let weeks, _, _) = self else { return nil }
        return weeks.upperBound
    }

    /// The condition (starting " AND") on the index row `s` that keeps to this window.
    var condition: PostgresQuery {
        switch self {
        case .weeks(_, let blocks, _):
            // The index's expression (Schema/0028).
            return " AND (s.tags || case_search_weeks(s.opened_at)) && \(blocks.map(\.tag))::int8[]"
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
        let newest = window?.newestWeek ?? 0
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
            guard let older = window?.older(read: read, since: newest) else { break }
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
            probe.append(" AND (s.tags || case_search_weeks(s.opened_at)) @> \(words)::int8[]")
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
