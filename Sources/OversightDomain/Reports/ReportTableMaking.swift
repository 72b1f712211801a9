import Foundation

/// How a report's tables are made from rollup cells: rows grouped (and nested) by dimensions,
/// each count column a sum of what each cell adds to it.
struct CountColumn {
    let column: ReportColumn
    /// What one cell adds to this column (0 when it does not belong).
    let amount: (RollupCount) -> Int

    init(_ key: String, _ title: String, part: Bool = false, _ amount: @escaping (RollupCount) -> Int) {
        column = ReportColumn(key, title, kind: .count, part: part)
        self.amount = amount
    }

    /// The cell's count when `matches`, else 0.
    static func counting(_ key: String, _ title: String, part: Bool = false, where matches: @escaping (RollupCount) -> Bool) -> CountColumn {
        CountColumn(key, title, part: part) { matches($0) ? $0.n : 0 }
    }
}

/// A row dimension: the value a cell is grouped by and how a value is labelled.
struct RowLevel {
    let key: (RollupCount) -> String
    let label: (String) -> String
    /// Row order; by label when nil.
    let order: [String]?
    /// Rows shown even when all their counts are zero (every month of the period).
    let always: [String]

    init(
        _ key: @escaping (RollupCount) -> String, label: @escaping (String) -> String = ReportLabels.humanized, order: [String]? = nil,
        always: [String] = []
    ) {
        self.key = key
        self.label = label
        self.order = order ?? (always.isEmpty ? nil : always)
        self.always = always
    }

    /// One row per month of `period`, labelled YYYY-MM.
    static func months(of period: ReportPeriod) -> RowLevel {
        RowLevel({ ReportPeriod.monthLabel($0.period) }, label: ReportLabels.verbatim, always: period.months.map(ReportPeriod.monthLabel))
    }
}

enum ReportLabels {
    /// `sexual_harassment` → "Sexual harassment"; "" → "(not recorded)".
    static func humanized(_ value: String) -> String {
        guard let first = value.first else { return "(not recorded)" }
        let rest = value.unicodeScalars.dropFirst(first.unicodeScalars.count).map { $0 == "_" ? " " : $0 }
        return String(first).uppercased() + String(String.UnicodeScalarView(rest))
    }

    static func verbatim(_ value: String) -> String { value.isEmpty ? "(not recorded)" : value }
}

extension ReportTable {
    /// A table of nested rows (`levels`: office, then kind, ...), count columns, optionally a
    /// row-total column summing the `part` columns and a total row. Rows whose every count is
    /// zero are left out.
    static func counts(
        id: String, title: String, rowHeading: String, levels: [RowLevel], columns: [CountColumn], rowTotal: ReportColumn? = nil,
        cells: [RollupCount], total: Bool = true, chart: ReportChart? = nil
    ) -> ReportTable {
        let allColumns = columns.map(\.column) + (rowTotal.map { [$0] } ?? [])
        // Groups hold positions in `cells`, not copies of them, and each key's label and place
        // in the order are worked out once, not in every comparison of the sort: copying cells
        // and humanizing labels were a fifth of a report's CPU.
        // Each cell read once for its amounts and its keys (indexing `cells` copies a cell).
        let amounts = cells.map { cell in columns.map { $0.amount(cell) } }
        let keysByLevel = levels.map { level in cells.map(level.key) }
        func values(_ group: [Int]) -> [Int] {
            var sums = columns.indices.map { column in group.reduce(0) { $0 + amounts[$1][column] } }
            if rowTotal != nil { sums.append(zip(columns, sums).filter { $0.0.column.part }.reduce(0) { $0 + $1.1 }) }
            return sums
        }
        func rows(_ group: [Int], depth: Int) -> [ReportRow] {
            guard depth < levels.count else { return [] }
            let level = levels[depth]
            let grouped = Dictionary(grouping: group) { keysByLevel[depth][$0] }
            let unsorted = Set(grouped.keys).union(depth == 0 ? level.always : [])
            let labels = Dictionary(uniqueKeysWithValues: unsorted.map { ($0, level.label($0)) })
            var places: [String: Int] = [:]
            for (place, key) in (level.order ?? []).enumerated().reversed() { places[key] = place }
            let keys = unsorted.sorted { lhs, rhs in
                if level.order != nil {
                    let (left, right) = (places[lhs] ?? Int.max, places[rhs] ?? Int.max)
                    if left != right { return left < right }
                }
                return labels[lhs]! < labels[rhs]!
            }
            var result: [ReportRow] = []
            for key in keys {
                let members = grouped[key] ?? []
                let sums = values(members)
                guard sums.contains(where: { $0 != 0 }) || (depth == 0 && level.always.contains(key)) else { continue }
                result.append(ReportRow(label: labels[key]!, level: depth, cells: sums.map(ReportValue.count)))
                result += rows(members, depth: depth + 1)
            }
            return result
        }
        let body = rows(Array(cells.indices), depth: 0)
        let totalRow = total ? ReportRow(label: "Total", cells: values(Array(cells.indices)).map(ReportValue.count)) : nil
        return ReportTable(id: id, title: title, rowHeading: rowHeading, columns: allColumns, rows: body, total: totalRow, chart: chart)
    }
}

/// Exact percentiles from a histogram of whole days (nearest rank: the smallest value with at
/// least q of the observations at or below it).
enum DayHistogram {
    static func percentile(_ histogram: [Int: Int], _ q: Double) -> Int? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (days, count) in histogram.sorted(by: { $0.key < $1.key }) {
            seen += count
            if seen >= rank { return days }
        }
        return nil
    }
}
