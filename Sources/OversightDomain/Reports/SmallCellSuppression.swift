/// Withholds small counts from readers outside an office, and enough other cells that none of
/// them can be worked out again (secondary, or complementary, suppression).
///
/// A table's cells are tied by sums: a parent row is the sum of its nested rows, the total
/// row the sum of the top-level rows, a row-total column the sum of the part columns. Each such
/// sum is a "line". A line with exactly one withheld cell gives it away (total minus the
/// others), so while any line has one, the smallest other non-zero cell of that line is
/// withheld too. Zeros are published: an empty cell identifies no one.
public enum SmallCellSuppression {
    public struct Position: Hashable, Sendable, Comparable {
        /// `rows.count` is the total row.
        public let row: Int
        public let column: Int

        public static func < (lhs: Position, rhs: Position) -> Bool { (lhs.row, lhs.column) < (rhs.row, rhs.column) }
    }

    /// One sum: `total` is the sum of `parts`.
    public struct Line: Hashable, Sendable {
        public let total: Position
        public let parts: [Position]

        public var cells: [Position] { [total] + parts }
    }

    public static func note(threshold: Int) -> SuppressionNote {
        SuppressionNote(threshold: threshold, smallCellMark: "<\(threshold)", complementaryMark: "x")
    }

    public static func apply(to table: inout ReportTable, threshold: Int) {
        let note = note(threshold: threshold)
        var rows = table.rows + (table.total.map { [$0] } ?? [])
        let countColumns = table.columns.indices.filter { [.count, .rowTotal].contains(table.columns[$0].kind) }
        func value(_ position: Position) -> Int { rows[position.row].cells[position.column].count ?? 0 }
        func hidden(_ position: Position) -> Bool { rows[position.row].cells[position.column].suppressed != nil }
        func hide(_ position: Position, _ reason: String, _ mark: String) {
            rows[position.row].cells[position.column].value = nil
            rows[position.row].cells[position.column].display = mark
            rows[position.row].cells[position.column].suppressed = reason
        }

        var values: [Position: Int] = [:]
        for row in rows.indices {
            for column in countColumns {
                let position = Position(row: row, column: column)
                values[position] = value(position)
                if (1..<threshold).contains(value(position)) { hide(position, "small", note.smallCellMark) }
            }
        }
        let allLines = lines(of: table)
        var changed = true
        while changed {
            changed = false
            for line in allLines {
                let withheld = line.cells.filter(hidden)
                guard withheld.count == 1 else { continue }
                let candidates = line.cells.filter { !hidden($0) && (values[$0] ?? 0) > 0 }
                guard let next = candidates.min(by: { (values[$0] ?? 0, $0) < (values[$1] ?? 0, $1) }) else { continue }
                hide(next, "complementary", note.complementaryMark)
                changed = true
            }
        }
        // A median, a percentile or a share says something about the counts of its row: it
        // goes with them.
        for row in rows.indices where countColumns.contains(where: { hidden(Position(row: row, column: $0)) }) {
            for column in table.columns.indices where [.days, .percent].contains(table.columns[column].kind) {
                let position = Position(row: row, column: column)
                if rows[row].cells[column].value != nil { hide(position, "complementary", note.complementaryMark) }
            }
        }
        if table.total != nil { table.total = rows.removeLast() }
        table.rows = rows
    }

    /// The sums that tie the table's count cells together.
    public static func lines(of table: ReportTable) -> [Line] {
        var lines: [Line] = []
        let countColumns = table.columns.indices.filter { [.count, .rowTotal].contains(table.columns[$0].kind) }
        let totalRow = table.rows.count
        for column in countColumns {
            if table.total != nil {
                let top = table.rows.indices.filter { table.rows[$0].level == 0 }
                lines.append(Line(total: Position(row: totalRow, column: column), parts: top.map { Position(row: $0, column: column) }))
            }
            for (index, row) in table.rows.enumerated() {
                var children: [Int] = []
                var next = index + 1
                while next < table.rows.count, table.rows[next].level > row.level {
                    if table.rows[next].level == row.level + 1 { children.append(next) }
                    next += 1
                }
                if !children.isEmpty {
                    lines.append(Line(total: Position(row: index, column: column), parts: children.map { Position(row: $0, column: column) }))
                }
            }
        }
        if let totalColumn = table.columns.firstIndex(where: { $0.kind == .rowTotal }) {
            let parts = table.columns.indices.filter { table.columns[$0].part }
            for row in 0...(table.total == nil ? totalRow - 1 : totalRow) where row >= 0 {
                lines.append(Line(total: Position(row: row, column: totalColumn), parts: parts.map { Position(row: row, column: $0) }))
            }
        }
        return lines
    }

    /// Cells a reader could work out by subtraction: those alone in a line of withheld cells.
    /// Empty after `apply`.
    public static func recoverable(in table: ReportTable) -> [Position] {
        let rows = table.rows + (table.total.map { [$0] } ?? [])
        return lines(of: table).compactMap { line in
            let withheld = line.cells.filter { rows[$0.row].cells[$0.column].suppressed != nil }
            return withheld.count == 1 ? withheld[0] : nil
        }
    }
}
