import Foundation
import Testing

@testable import OversightStore

/// The windows of weeks a search reads its index in: together they cover every week, newest
/// first, with no gap or overlap, each as a few whole blocks the index tags cases with.
struct SearchWindowTests {
    /// The windows read, until the last, when each read returns `perWeek` candidates a week.
    func windows(from date: Date, perWeek: Int) -> [SearchWindow] {
        var windows = [SearchWindow.first(at: date)]
        let newest = windows[0].newestWeek!
        var read = 0
        while case .weeks(let weeks, _, _) = windows.last! {
            read += perWeek * weeks.count
            windows.append(windows.last!.older(read: read, since: newest)!)
        }
        #expect(windows.last!.older(read: read, since: newest) == nil, "the window of every older week is the last")
        return windows
    }

    @Test(arguments: 0..<140)
    func aCommonWordsWindowsCoverEveryWeekAsWholeBlocks(_ shift: Int) throws {
        // Every alignment of the present to the blocks of 8 and 64 weeks, and more.
        let date = Date(timeIntervalSince1970: 1_795_000_000 + Double(shift) * SearchWindow.seconds)
        let read = windows(from: date, perWeek: 5)
        var next = SearchWindow.week(of: date) + 1
        var widths: [Int] = []
        for window in read {
            switch window {
            case .weeks(let weeks, let blocks, _):
                #expect(weeks.upperBound == next, "no gap, no overlap")
                #expect(blocks.count <= SearchWindow.mostBlocks)
                let covered = blocks.flatMap { Array($0.weeks) }
                #expect(covered.sorted() == Array(weeks) && covered.count == weeks.count, "the blocks cover the window once")
                #expect(blocks.map(\.weeks.upperBound) == blocks.map(\.weeks.upperBound).sorted(by: >), "newest first")
                widths.append(weeks.count)
                next = weeks.lowerBound - 1
            case .before(let week):
                #expect(week == next + 1)
            }
        }
        #expect(widths.first == 2 && widths.dropFirst().first == 1)
        // The windows grow: together they reach back years before the last one.
        #expect(widths.reduce(0, +) >= 200 && widths.count <= 16)
    }

    @Test func aSparseWordReadsEveryOlderWeekOnceItIsJudgedSparse() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let week = SearchWindow.week(of: date)
        let read = windows(from: date, perWeek: 0)
        #expect(read.count == 4)
        #expect(read.last == .before(week: week - 3))
    }

    @Test func aWeekAndItsBlocksAreCountedAsTheIndexCountsThem() {
        // case_search_weeks (Schema/0028): floor(epoch / 604800), then shifted by 3 and 6.
        #expect(SearchWindow.week(of: Date(timeIntervalSince1970: 604_799.999)) == 0)
        #expect(SearchWindow.week(of: Date(timeIntervalSince1970: 604_800)) == 1)
        #expect(SearchWindow.week(of: Date(timeIntervalSince1970: -1)) == -1)
        #expect(IndexBlock(level: 3, number: 371).weeks == 2968...2975)
        #expect(IndexBlock(level: 0, number: 2969).tag == -1_002_969 && IndexBlock(level: 6, number: 46).tag == -7_000_046)
    }
}
