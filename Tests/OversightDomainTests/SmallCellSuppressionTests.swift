import Testing

@testable import OversightDomain

struct SmallCellSuppressionTests {
    /// Offices › kinds with a row-total column: the shapes the reports have.
    static func table(_ rows: [(String, Int, [Int])]) -> ReportTable {
        let columns = [ReportColumn("a", "A", part: true), ReportColumn("b", "B", part: true), ReportColumn("total", "Total", kind: .rowTotal)]
        let body = rows.map { label, level, values in
            ReportRow(label: label, level: level, cells: (values + [values.reduce(0, +)]).map(ReportValue.count))
        }
        let top = body.filter { $0.level == 0 }
        let total = ReportRow(
            label: "Total", cells: columns.indices.map { column in .count(top.reduce(0) { $0 + ($1.cells[column].count ?? 0) }) })
        return ReportTable(id: "t", title: "T", rowHeading: "R", columns: columns, rows: body, total: total)
    }

    @Test func aLoneSmallCellIsJoinedByAnotherInEveryLineItIsIn() {
        var table = Self.table([
            ("OIG", 0, [20, 3]), ("investigation", 1, [20, 3]), ("ECO", 0, [12, 9]), ("advice", 1, [7, 4]), ("retaliation", 1, [5, 5]),
        ])
        // Unprotected, the 3 (and the 4) come back by subtraction: the check can fail.
        var primaryOnly = table
        for row in primaryOnly.rows.indices {
            for column in primaryOnly.rows[row].cells.indices where (1..<5).contains(primaryOnly.rows[row].cells[column].count ?? 0) {
                primaryOnly.rows[row].cells[column].suppressed = "small"
            }
        }
        #expect(!SmallCellSuppression.recoverable(in: primaryOnly).isEmpty)

        SmallCellSuppression.apply(to: &table, threshold: 5)
        #expect(SmallCellSuppression.recoverable(in: table).isEmpty)
        #expect(table.rows[0].cells[1].display == "<5")
        #expect(table.rows[3].cells[1].display == "<5")
        // Withheld cells keep no value a client could read.
        let withheld = (table.rows + [table.total!]).flatMap(\.cells).filter { $0.suppressed != nil }
        #expect(withheld.allSatisfy { $0.value == nil })
        #expect(withheld.contains { $0.suppressed == "complementary" && $0.display == "x" })
    }

    @Test func zerosArePublishedAndDerivedFiguresGoWithTheirCounts() {
        var table = Self.table([("A", 0, [0, 0]), ("B", 0, [30, 2]), ("C", 0, [40, 20])])
        table = ReportTable(
            id: table.id, title: table.title, rowHeading: table.rowHeading, columns: table.columns + [ReportColumn("median", "Median", kind: .days)],
            rows: table.rows.map { ReportRow(label: $0.label, level: $0.level, cells: $0.cells + [.days(12)]) },
            total: table.total.map { ReportRow(label: $0.label, cells: $0.cells + [.days(12)]) })
        SmallCellSuppression.apply(to: &table, threshold: 5)
        #expect(table.rows[0].cells.prefix(3).map(\.display) == ["0", "0", "0"])
        #expect(table.rows[1].cells[3].suppressed != nil, "a median beside a withheld count is withheld")
        #expect(table.rows[2].cells[3].display == "12" || table.rows[2].cells.prefix(3).contains { $0.suppressed != nil })
        #expect(SmallCellSuppression.recoverable(in: table).isEmpty)
    }

    @Test func percentilesAreExactNearestRankAndPeriodsSplitIntoYearsAndMonths() {
        #expect(DayHistogram.percentile([1: 1, 2: 1, 10: 2], 0.5) == 2)
        #expect(DayHistogram.percentile([1: 1, 2: 1, 10: 2], 0.9) == 10)
        #expect(DayHistogram.percentile([7: 1], 0.9) == 7)
        #expect(DayHistogram.percentile([:], 0.5) == nil)
        let period = try? ReportPeriod(from: "2025-07", to: "2027-03")
        #expect(period?.yearsAndMonths.years.map(\.description) == ["2026-01-01"])
        #expect(period?.yearsAndMonths.months.count == 9)
        #expect(period?.months.count == 21)
        #expect((try? ReportPeriod(from: "2026-13", to: "2026-12")) == nil)
        #expect((try? ReportPeriod(from: "2026-05", to: "2026-04")) == nil)
    }
}
