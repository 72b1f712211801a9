import Foundation
import PostgresClient
import PostgresTestSupport
import Testing

@testable import OversightStore

/// The windows of hours a search reads its index in: together they cover every hour, newest
/// first, with no gap or overlap, each as a few whole blocks the index tags cases with, and
/// each as wide as the density read so far says the rest needs.
struct SearchWindowTests {
    /// The windows read until `wanted` candidates are read or the last window is reached, when
    /// the index holds `perHour` candidates an hour.
    func windows(from date: Date, perHour: Double, wanted: Int = 101) -> [SearchWindow] {
        var windows = [SearchWindow.first(at: date)]
        let newest = windows[0].newestHour!
        var read = 0
        while case .hours(let hours, _) = windows.last! {
            read = Int(perHour * Double(newest - hours.lowerBound + 1))
            guard read < wanted else { break }
            windows.append(windows.last!.older(read: read, wanted: wanted - read, since: newest)!)
        }
        if case .before = windows.last! {
            #expect(windows.last!.older(read: read, wanted: wanted - read, since: newest) == nil, "the window of every older hour is the last")
        }
        return windows
    }

    /// Checks that `read` covers every hour from `date`'s next one down, once, newest first, as
    /// whole blocks; returns the windows' widths in hours.
    func widths(_ read: [SearchWindow], from date: Date) -> [Int] {
        var next = SearchWindow.hour(of: date) + 1
        var widths: [Int] = []
        for window in read {
            switch window {
            case .hours(let hours, let blocks):
                #expect(hours.upperBound == next, "no gap, no overlap")
                #expect(blocks.count <= SearchWindow.mostBlocks)
                let covered = blocks.flatMap { Array($0.hours) }
                #expect(covered.sorted() == Array(hours) && covered.count == hours.count, "the blocks cover the window once")
                #expect(blocks.map(\.hours.upperBound) == blocks.map(\.hours.upperBound).sorted(by: >), "newest first")
                widths.append(hours.count)
                next = hours.lowerBound - 1
            case .before(let hour):
                #expect(hour == next + 1)
            }
        }
        return widths
    }

    @Test(arguments: 0..<100)
    func aWordsWindowsCoverEveryHourAsWholeBlocks(_ shift: Int) throws {
        // Many alignments of the present to the blocks of 8 to 32,768 hours.
        let date = Date(timeIntervalSince1970: 1_795_000_000 + Double(shift * shift * 37) * SearchWindow.seconds)
        for perHour in [0.002, 0.05, 3] {
            let widths = widths(windows(from: date, perHour: perHour), from: date)
            #expect(widths.first == 2)
            // The windows grow, but never past eight times the hours read before them (and a
            // window rounded to its blocks at most doubles that).
            var hoursRead = 0
            for width in widths {
                if hoursRead > 0 { #expect(width <= 2 * SearchWindow.growth * hoursRead) }
                hoursRead += width
            }
            #expect(widths.count <= 10, "\(perHour) an hour: \(widths)")
        }
    }

    @Test func aCommonWordReadsAboutWhatItNeeds() {
        // 3 candidates an hour: 101 are read within a few days, not weeks.
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let widths = widths(windows(from: date, perHour: 3), from: date)
        #expect(widths.reduce(0, +) <= 120 && widths.count <= 4, "\(widths)")
    }

    @Test func aWindowSpansThreeTimesTheHoursTheDensityReadSaysItNeeds() throws {
        // 100 candidates in 2 hours and one more wanted: an hour, not a doubling.
        #expect(SearchWindow.width(read: 100, wanted: 1, hoursRead: 2) == 1)
        // 40 in 16 hours, 61 wanted: 24.4 hours at that density, times three.
        #expect(SearchWindow.width(read: 40, wanted: 61, hoursRead: 16) == 74)
        #expect(SearchWindow.width(read: 10, wanted: 91, hoursRead: 2) == 16, "at most eight times the hours read")
        // None read in 2 hours: grow eight-fold.
        #expect(SearchWindow.width(read: 0, wanted: 101, hoursRead: 2) == 16)
    }

    @Test func aSparseWordReadsEveryOlderHourOnceItIsJudgedSparse() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let read = windows(from: date, perHour: 0)
        // 2, 16 and about 144 hours with nothing in them: the next width wanted passes the
        // largest block.
        #expect(read.count == 4)
        guard case .before = read.last else { Issue.record("the last window reads every older hour"); return }
        #expect(SearchWindow.width(read: 3, wanted: 98, hoursRead: 400) == nil)
        _ = widths(read, from: date)
    }

    @Test func anHourAndItsBlocksAreCountedAsTheIndexCountsThem() {
        // case_search_blocks (Schema/0029): floor(epoch / 3600), then shifted by 3 to 15.
        #expect(SearchWindow.hour(of: Date(timeIntervalSince1970: 3_599.999)) == 0)
        #expect(SearchWindow.hour(of: Date(timeIntervalSince1970: 3_600)) == 1)
        #expect(SearchWindow.hour(of: Date(timeIntervalSince1970: -1)) == -1)
        #expect(IndexBlock(level: 3, number: 371).hours == 2968...2975)
        // md5('OIG') = 07c2147e..., whose first 20 bits are 0x07c21.
        let office = IndexOffice("OIG")
        #expect(office.number == 0x07c21)
        let base: Int64 = (1 << 62) + (0x07c21 << 26)
        #expect(IndexBlock(level: 0, number: 2969).tag(at: office) == -(base + 2969))
        #expect(IndexBlock(level: 6, number: 46).tag(at: office) == -(base + (2 << 22) + 46))
        #expect(office.everyHour == -(base + (7 << 22)))
    }
}

/// The index's tags as the database makes them (`case_search_blocks`, Schema/0029) and as the
/// search asks for them: a disagreement would make a search skip the cases of some hours.
@Suite(.temporaryPostgres)
struct IndexBlockTagTests {
    @Test func theDatabaseTagsACaseWithTheBlocksTheSearchAsksFor() async throws {
        let options = try await suitePostgres().makeDatabase("blocks")
        let pool = PostgresPool(.init(options: options, maxConnections: 1))
        do {
            try await Migrator(pool: pool, migrations: try Migration.load(from: StoredRowTests.root.appendingPathComponent("Schema").path)).migrate()
            let dates = [0, 3_599.999_999, 3_600, 1_795_000_000.5, 1_800_123_456.25].map(Date.init(timeIntervalSince1970:))
            for office in ["OIG", "ECO", "OMB"] {
                for opened in dates {
                    let rows = try await pool.query("SELECT case_search_blocks(\(office), \(opened)) AS tags")
                    let tags = try rows[0].decode("tags", as: [Int64].self)
                    let hour = SearchWindow.hour(of: opened)
                    let indexOffice = IndexOffice(office)
                    let expected =
                        IndexBlock.levels.reversed().map { IndexBlock(level: $0, number: hour >> $0).tag(at: indexOffice) } + [indexOffice.everyHour]
                    #expect(tags == expected, "\(office) at \(opened)")
                }
            }
            // The ceiling's mirror of the windows (Benchmarks/pgbench/search-window.sql) asks
            // for the blocks the search asks for.
            let mirror = try FileContents(path: StoredRowTests.root.appendingPathComponent("Benchmarks/pgbench/search-window.sql").path)
            try await pool.withConnection { connection in try await connection.run(PostgresScript(fileContents: mirror)) }
            for (below, width) in [(500_002, 2), (500_000, 16), (499_993, 144), (499_849, 1_296), (498_553, 11_664), (490_001, 7), (491_520, 40_000)]
            {
                let rows = try await pool.query("SELECT tags, low FROM bench_search_window('OIG', \(Int64(below)), \(Int64(width)))")
                let blocks = SearchWindow.blocks(below: below, width: width)
                #expect(try rows[0].decode("tags", as: [Int64].self) == blocks.map { $0.tag(at: IndexOffice("OIG")) }, "\(below), \(width)")
                #expect(try rows[0].decode("low", as: Int64.self) == Int64(below - blocks.reduce(0) { $0 + (1 << $1.level) }))
            }
            // The check can fail: another office's tags differ.
            let rows = try await pool.query("SELECT case_search_blocks('ECO', \(dates[3])) AS tags")
            #expect(try rows[0].decode("tags", as: [Int64].self).last != IndexOffice("OIG").everyHour)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
