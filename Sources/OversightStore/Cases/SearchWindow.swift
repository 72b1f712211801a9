import Crypto
import Foundation
import PostgresClient

/// An office as the search index's block tags name it (`case_search_blocks`, Schema/0029).
struct IndexOffice: Hashable, Sendable {
    /// The first 20 bits of the MD5 of the office's code.
    let number: Int64

    init(_ code: String) {
        let digest = Array(Insecure.MD5.hash(data: Array(code.utf8)))
        number = Int64(digest[0]) << 12 | Int64(digest[1]) << 4 | Int64(digest[2]) >> 4
    }

    /// The tag of `block` (level times 2^22 plus number) at this office.
    func tag(_ block: Int64) -> Int64 { -((1 << 62) + (number << 26) + block) }

    /// The tag every case of the office carries, whenever it was opened.
    var everyHour: Int64 { tag(7 << 22) }
}

/// A block of hours the search index tags each case with, for its office: the hour it was
/// opened in (level 0) or the block of 8, 64, 512, 4,096 or 32,768 hours around it (levels 3
/// to 15), counted from 1970-01-01 as `case_search_blocks` counts them.
struct IndexBlock: Hashable, Sendable {
    /// The block is 2^level hours long.
    let level: Int
    /// Its number at its level: its first hour shifted right by `level`.
    let number: Int

    static let levels = [15, 12, 9, 6, 3, 0]

    var hours: ClosedRange<Int> { (number << level)...(((number + 1) << level) - 1) }

    /// The index's tag of the block at `office`.
    func tag(at office: IndexOffice) -> Int64 { office.tag(Int64(level / 3) << 22 + Int64(number)) }
}

/// A run of hours of the search index, read newest first. Since each case's index entry
/// carries, for its office, the blocks of hours it was opened in, the GIN index answers "these
/// words, at these offices, in these hours" without reading older matches or other offices'.
/// A search reads this hour and the next (for a clock a little behind the database's), then
/// windows about `margin` times as wide as the matches read so far say the rest needs, but at
/// most `growth` times the hours already read: where filings crowd, a common word's window
/// reads about as many matches as the page needs, and a burst of filings just past the hours
/// read meets a window no wider than that. When the width wanted reaches the largest block,
/// the word is sparse and the last window reads every older hour at once. Each window asks for
/// at most `mostBlocks` blocks an office, the largest that fit: the index's cost grows with
/// the entries asked for.
enum SearchWindow: Equatable {
    /// These hours, as these blocks.
    case hours(ClosedRange<Int>, blocks: [IndexBlock])
    /// Every hour before this one.
    case before(hour: Int)

    /// An hour's length: hours count from 1970-01-01, as `case_search_blocks` counts them.
    static let seconds: TimeInterval = 3_600
    static let mostBlocks = 8
    static let growth = 8
    /// How many times the hours the density read so far says are needed a window spans:
    /// filings thin out with age, so the next hours hold fewer matches than the last did, and a
    /// window costs more than the rows it reads (three, measured against 1.25, 2 and 4 on the
    /// bench's million cases: 3.0-3.3 ms a search against 3.8-4.2, 3.2-3.6 and 3.0-3.2).
    static let margin = 3
    /// The largest block: a window that would be as wide reads every older hour instead.
    static let widest = 1 << IndexBlock.levels[0]

    static func hour(of date: Date) -> Int { Int((date.timeIntervalSince1970 / seconds).rounded(.down)) }

    /// The newest window: the hour of `date` and the next one.
    static func first(at date: Date) -> SearchWindow {
        let hour = hour(of: date)
        return .hours(hour...(hour + 1), blocks: [IndexBlock(level: 0, number: hour + 1), IndexBlock(level: 0, number: hour)])
    }

    /// The window after this one, nil after the last, when `read` candidates came from the
    /// hours since `newest` (this window's included) and `wanted` more matches are wanted.
    func older(read: Int, wanted: Int, since newest: Int) -> SearchWindow? {
        guard case .hours(let hours, _) = self else { return nil }
        guard let width = Self.width(read: read, wanted: wanted, hoursRead: newest - hours.lowerBound + 1) else {
            return .before(hour: hours.lowerBound)
        }
        let blocks = Self.blocks(below: hours.lowerBound, width: width)
        let covered = blocks.reduce(0) { $0 + (1 << $1.level) }
        return .hours((hours.lowerBound - covered)...(hours.lowerBound - 1), blocks: blocks)
    }

    /// How many hours the next window spans, nil for every older hour: `margin` times the hours
    /// that should hold `wanted` more matches at the density read so far (none read counts as
    /// one), within `growth` times the hours read.
    static func width(read: Int, wanted: Int, hoursRead: Int) -> Int? {
        let read = max(read, 1)
        let estimate = (wanted * hoursRead * margin + read - 1) / read
        guard estimate < widest else { return nil }
        return max(1, min(estimate, hoursRead * growth))
    }

    /// About `width` hours just before hour `end`, as whole blocks, newest first (at most
    /// `mostBlocks` of them). The far edge is rounded down to the largest block size that fits
    /// in `width`, so that the next window starts on a boundary of that size and asks for few
    /// blocks; a window is thus up to twice as wide as asked, or narrower when the blocks run
    /// out before the edge.
    static func blocks(below end: Int, width: Int) -> [IndexBlock] {
        let scale = IndexBlock.levels.first { 1 << $0 <= width } ?? 0
        let edge = ((end - width) >> scale) << scale
        var blocks: [IndexBlock] = []
        var end = end
        while end > edge, blocks.count < mostBlocks {
            // An hour always fits, so some level does.
            let level = IndexBlock.levels.first { end.isMultiple(of: 1 << $0) && end - (1 << $0) >= edge } ?? 0
            blocks.append(IndexBlock(level: level, number: (end >> level) - 1))
            end -= 1 << level
        }
        return blocks
    }

    var newestHour: Int? {
        guard case .hours(let hours, _) = self else { return nil }
        return hours.upperBound
    }

    /// The condition (starting " AND") on the index row `s` that keeps to this window at
    /// `offices`.
    func condition(at offices: [IndexOffice]) -> PostgresQuery {
        switch self {
        case .hours(_, let blocks):
            // The index's expression (Schema/0029).
            let tags = offices.flatMap { office in blocks.map { $0.tag(at: office) } }
            return " AND (s.tags || case_search_blocks(s.office, s.opened_at)) && \(tags)::int8[]"
        case .before(let hour):
            return """
                 AND (s.tags || case_search_blocks(s.office, s.opened_at)) && \(offices.map(\.everyHour))::int8[] \
                AND s.opened_at < \(Date(timeIntervalSince1970: TimeInterval(hour) * Self.seconds))
                """
        }
    }
}
