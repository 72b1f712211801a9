import Foundation

/// One published report: what it counts, over which period and for whom, as tables. The JSON
/// form is this value; CSV and HTML are renderings of it, so the three always agree.
public struct ReportDocument: Sendable, Codable, Hashable {
    public let report: String
    public let title: String
    public let summary: String
    public let period: ReportPeriod
    /// The day the counts stand at: open cases, ages and overdue items are as of this day.
    public let asOf: String
    /// Who the numbers were prepared for (`ReportAudience.description`).
    public let audience: String
    /// The filters applied, by name (office, kind, region, country_office).
    public let filters: [String: String]
    /// Present when small cells were withheld: the threshold and the marks used.
    public let suppression: SuppressionNote?
    public var tables: [ReportTable]
    public var notes: [String]

    public init(
        report: ReportName, period: ReportPeriod, asOf: CalendarDay, audience: ReportAudience, filters: [String: String],
        suppression: SuppressionNote?, tables: [ReportTable], notes: [String] = []
    ) {
        self.report = report.rawValue
        self.title = report.title
        self.summary = report.summary
        self.period = period
        self.asOf = asOf.description
        self.audience = audience.description
        self.filters = filters
        self.suppression = suppression
        self.tables = tables
        self.notes = notes
    }
}

public struct SuppressionNote: Sendable, Codable, Hashable {
    /// Counts from 1 to threshold - 1 are withheld.
    public let threshold: Int
    /// What a withheld small count shows.
    public let smallCellMark: String
    /// What a cell withheld so that a small one cannot be worked out shows.
    public let complementaryMark: String
}

/// A table of a report: rows (possibly nested: an office, its kinds, their categories) by
/// columns. Nesting and totals say which cells add up to which, which is what secondary
/// suppression must protect.
public struct ReportTable: Sendable, Codable, Hashable {
    public let id: String
    public let title: String
    public let rowHeading: String
    public let columns: [ReportColumn]
    public var rows: [ReportRow]
    /// The sum of the level-0 rows, for every count column.
    public var total: ReportRow?
    public let chart: ReportChart?

    public init(
        id: String, title: String, rowHeading: String, columns: [ReportColumn], rows: [ReportRow], total: ReportRow? = nil, chart: ReportChart? = nil
    ) {
        self.id = id
        self.title = title
        self.rowHeading = rowHeading
        self.columns = columns
        self.rows = rows
        self.total = total
        self.chart = chart
    }
}

public struct ReportColumn: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        /// A number of cases (what small-cell suppression is about).
        case count
        /// The sum of the row's `part` columns.
        case rowTotal = "row_total"
        /// Days (a median, a percentile): withheld with the counts it is computed from.
        case days
        /// A share or a rate, in percent.
        case percent
        /// A figure from configuration (staff numbers): published as is.
        case number
    }

    public let key: String
    public let title: String
    public let kind: Kind
    /// Whether this count column is one of the parts a `row_total` column adds up.
    public let part: Bool

    public init(_ key: String, _ title: String, kind: Kind = .count, part: Bool = false) {
        self.key = key
        self.title = title
        self.kind = kind
        self.part = part
    }
}

public struct ReportRow: Sendable, Codable, Hashable {
    public let label: String
    /// 0 for a top-level row; a row at level n + 1 belongs to the nearest row above it at level n.
    public let level: Int
    public var cells: [ReportValue]

    public init(label: String, level: Int = 0, cells: [ReportValue]) {
        self.label = label
        self.level = level
        self.cells = cells
    }
}

/// One cell: its value (nil when withheld or not defined) and what a reader sees.
public struct ReportValue: Sendable, Codable, Hashable {
    public var value: Double?
    public var display: String
    /// "small" (a count from 1 to threshold - 1) or "complementary" (withheld so that a small
    /// count cannot be worked out from totals); absent when published.
    public var suppressed: String?

    public static func count(_ n: Int) -> ReportValue { ReportValue(value: Double(n), display: String(n), suppressed: nil) }

    public static func days(_ days: Int?) -> ReportValue {
        ReportValue(value: days.map(Double.init), display: days.map(String.init) ?? "–", suppressed: nil)
    }

    /// A share in percent, one decimal; "–" when there is nothing to divide by.
    public static func percent(_ part: Int, of whole: Int) -> ReportValue {
        guard whole > 0 else { return ReportValue(value: nil, display: "–", suppressed: nil) }
        let share = (Double(part) * 1000 / Double(whole)).rounded() / 10
        return ReportValue(value: share, display: String(format: "%.1f", share), suppressed: nil)
    }

    public static func rate(_ value: Double?) -> ReportValue {
        guard let value else { return ReportValue(value: nil, display: "–", suppressed: nil) }
        let rounded = (value * 100).rounded() / 100
        return ReportValue(value: rounded, display: String(format: "%.2f", rounded), suppressed: nil)
    }

    public var count: Int? { value.map { Int($0) } }
}

/// How the HTML page draws a table.
public struct ReportChart: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case bars
        case stackedBars = "stacked_bars"
        case line
    }

    public let kind: Kind
    /// The columns drawn (keys), in order.
    public let series: [String]
    /// What the chart shows, for readers who cannot see it.
    public let description: String

    public init(_ kind: Kind, series: [String], description: String) {
        self.kind = kind
        self.series = series
        self.description = description
    }
}
