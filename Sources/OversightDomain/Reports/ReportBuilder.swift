/// Where report cells come from: the rollup (`report_cells`), or the same cells recomputed
/// from the raw rows (`report_cells_raw`), which the tests and the bench compare it with.
public protocol RollupSource: Sendable {
    func counts(_ query: RollupQuery) async throws -> [RollupCount]
    /// Several queries at once: one round trip where the source can make it one.
    func counts(_ queries: [RollupQuery]) async throws -> [RollupQuery: [RollupCount]]
}

extension RollupSource {
    public func counts(_ queries: [RollupQuery]) async throws -> [RollupQuery: [RollupCount]] {
        var answers: [RollupQuery: [RollupCount]] = [:]
        for query in queries where answers[query] == nil { answers[query] = try await counts(query) }
        return answers
    }
}

/// One report asked for: which, over what, for whom, as of which day.
public struct ReportRequest: Sendable, Hashable {
    public let name: ReportName
    public let period: ReportPeriod
    public let filters: ReportFilters
    public let audience: ReportAudience
    public let asOf: CalendarDay

    public init(name: ReportName, period: ReportPeriod, filters: ReportFilters, audience: ReportAudience, asOf: CalendarDay) {
        self.name = name
        self.period = period
        self.filters = filters
        self.audience = audience
        self.asOf = asOf
    }
}

/// Makes the published reports from rollup cells: selects what the audience may count,
/// arranges the tables, and withholds small cells for outside readers.
public struct ReportBuilder: Sendable {
    public let settings: ReportSettings

    public init(settings: ReportSettings) {
        self.settings = settings
    }

    public enum Refusal: Error, Hashable {
        /// The audience may not read this report.
        case notForAudience
        /// A filter this report does not take.
        case unsupportedFilter(ReportFilter)
    }

    public func build(_ request: ReportRequest, from source: some RollupSource) async throws -> ReportDocument {
        guard request.audience.reports.contains(request.name) else { throw Refusal.notForAudience }
        for filter in ReportFilter.allCases where !request.name.filters.contains(filter) && request.filters.applied[filter.rawValue] != nil {
            throw Refusal.unsupportedFilter(filter)
        }
        var filters = request.filters
        if case .office(let office, _) = request.audience { filters.office = office.rawValue }
        // A report's queries depend on the request only, never on what an earlier one found:
        // they are listed by a dry run, asked all at once, and the report made from the answers.
        let asked = AskedQueries()
        _ = try await Reading(request: request, filters: filters, settings: settings, source: asked).tables()
        let answers = AnsweredQueries(answers: try await source.counts(asked.queries))
        var (tables, notes) = try await Reading(request: request, filters: filters, settings: settings, source: answers).tables()
        var suppression: SuppressionNote?
        if request.audience.suppressesSmallCells {
            suppression = SmallCellSuppression.note(threshold: settings.smallCellThreshold)
            for index in tables.indices { SmallCellSuppression.apply(to: &tables[index], threshold: settings.smallCellThreshold) }
        }
        if case .office = request.audience {
            notes.append("Prepared for the office's own members: every count is shown; do not publish as is.")
        }
        return ReportDocument(
            report: request.name, period: request.period, asOf: request.asOf, audience: request.audience, filters: filters.applied,
            suppression: suppression, tables: tables, notes: notes)
    }
}

/// One report being read: fetches cells through the audience's eyes.
struct Reading {
    let request: ReportRequest
    let filters: ReportFilters
    let settings: ReportSettings
    let source: any RollupSource

    var period: ReportPeriod { request.period }

    func cells(_ query: RollupQuery) async throws -> [RollupCount] {
        try await source.counts(query).filter { request.audience.counts($0, in: request.name, settings: settings) }
    }

    /// Cells of a measure kept both by month and by year, over the period: whole years from
    /// the yearly rows, the other months from the monthly ones.
    func cells(monthly: RollupCount.Measure, yearly: RollupCount.Measure, kind: String? = nil, keep: Set<RollupDimension>) async throws
        -> [RollupCount]
    {
        var scoped = filters
        if let kind { scoped.kind = kind }
        return try await cells(monthly: [monthly], yearly: [yearly], filters: scoped, keep: keep, as: period.start)
    }

    /// Cells of measures kept by month and by year, over the period (whole years from the
    /// yearly rows, the other months from the monthly ones), all dated `day`, each under its
    /// monthly measure.
    func cells(
        monthly: [RollupCount.Measure], yearly: [RollupCount.Measure], filters: ReportFilters, keep: Set<RollupDimension>, as day: CalendarDay
    ) async throws -> [RollupCount] {
        let split = period.yearsAndMonths
        var result: [RollupCount] = []
        if !split.years.isEmpty {
            result += try await cells(RollupQuery(yearly, periods: split.years, filters: filters, keep: keep, grouped: .all(as: day)))
        }
        if !split.months.isEmpty {
            result += try await cells(RollupQuery(monthly, periods: split.months, filters: filters, keep: keep, grouped: .all(as: day)))
        }
        return result.map(Self.monthlyMeasure)
    }

    static func monthlyMeasure(_ cell: RollupCount) -> RollupCount {
        var cell = cell
        switch cell.measure {
        case .receivedYear: cell.measure = .received
        case .closedYear: cell.measure = .closed
        case .closeDaysYear: cell.measure = .closeDays
        case .stageDaysYear: cell.measure = .stageDays
        default: break
        }
        return cell
    }

    /// Open (or due) cases grouped by day `bounds`, read from the monthly cells for every month
    /// no bound falls in and from the daily cells for the few months one does: exact to the
    /// day, reading months for the years behind.
    func cells(daily: RollupCount.Measure, monthly: RollupCount.Measure, bounds: [CalendarDay], filters: ReportFilters, keep: Set<RollupDimension>)
        async throws -> [RollupCount]
    {
        let boundaryMonths = Array(Set(bounds.map(ReportPeriod.firstOfMonth))).sorted()
        var result = try await cells(RollupQuery([monthly], filters: filters, keep: keep, grouped: .buckets(bounds), excluding: boundaryMonths))
        for month in boundaryMonths {
            result += try await cells(
                RollupQuery([daily], from: month, to: ReportPeriod.nextMonth(month), filters: filters, keep: keep, grouped: .buckets(bounds)))
        }
        return result.map { cell in
            var cell = cell
            cell.measure = cell.measure == monthly ? daily : cell.measure
            return cell
        }
    }

    /// Cells received or closed in the period (dated its first day) and, dated `historic`,
    /// every cell up to its end: what "open at the period end" is counted from.
    func flow(_ filters: ReportFilters, keep: Set<RollupDimension>, keepForHistory: Set<RollupDimension>) async throws -> [RollupCount] {
        let inPeriod = try await cells(
            monthly: [.received, .closed], yearly: [.receivedYear, .closedYear], filters: filters, keep: keep, as: period.start)
        // The history: whole years up to the period's end, then the months of its last year
        // that came before the end (none when the period ends with a year).
        let lastYear = ReportPeriod.firstOfYear(period.end)
        var history = try await cells(
            RollupQuery([.receivedYear, .closedYear], to: lastYear, filters: filters, keep: keepForHistory, grouped: .all(as: Self.historic)))
        if lastYear < period.end {
            history += try await cells(
                RollupQuery(
                    [.received, .closed], from: lastYear, to: period.end, filters: filters, keep: keepForHistory, grouped: .all(as: Self.historic)))
        }
        return inPeriod + history.map(Self.monthlyMeasure)
    }

    /// The date the history of a flow is returned under (before any case).
    static let historic = CalendarDay(index: 0)

    func inPeriod(_ cell: RollupCount) -> Bool { cell.period >= period.start && cell.period < period.end }

    func tables() async throws -> ([ReportTable], [String]) {
        switch request.name {
        case .caseload: try await caseload()
        case .ageing: try await ageing()
        case .timeliness: try await timeliness()
        case .outcomes: try await outcomes()
        case .retaliation: try await retaliation()
        case .ombuds: try await ombuds()
        case .recommendations: try await recommendations()
        case .evaluations: try await evaluations()
        case .indicators: try await indicators()
        }
    }

    // MARK: Caseload

    /// Received and closed in the period, open at its end (received minus closed, up to the end).
    func flowColumns() -> [CountColumn] {
        [
            .counting("received", "Received") { $0.measure == .received && inPeriod($0) },
            .counting("closed", "Closed") { $0.measure == .closed && inPeriod($0) },
            Self.openAtEnd,
        ]
    }

    /// Received minus closed, over the whole history up to the period's end.
    static var openAtEnd: CountColumn {
        CountColumn("open_at_end", "Open at period end") { cell in
            guard cell.period == historic else { return 0 }
            return cell.measure == .received ? cell.n : (cell.measure == .closed ? -cell.n : 0)
        }
    }

    func caseload() async throws -> ([ReportTable], [String]) {
        let all = try await flow(filters, keep: [.region, .countryOffice], keepForHistory: [.region, .countryOffice])
        let monthly = try await cells(RollupQuery([.received, .closed], from: period.start, to: period.end, filters: filters))
        return (
            [
                .counts(
                    id: "by_office", title: "By office, kind and category", rowHeading: "Office / kind / category",
                    levels: [RowLevel(\.office, label: ReportLabels.verbatim), RowLevel(\.kind), RowLevel(\.category)], columns: flowColumns(),
                    cells: all,
                    chart: ReportChart(.bars, series: ["received", "closed"], description: "Cases received and closed in the period, by office")),
                .counts(
                    id: "by_region", title: "By region and country office", rowHeading: "Region / country office",
                    levels: [RowLevel(\.region, label: ReportLabels.verbatim), RowLevel(\.countryOffice, label: ReportLabels.verbatim)],
                    columns: flowColumns(), cells: all),
                .counts(
                    id: "by_month", title: "By month", rowHeading: "Month",
                    levels: [.months(of: period)],
                    columns: Array(flowColumns().prefix(2)), cells: monthly,
                    chart: ReportChart(.line, series: ["received", "closed"], description: "Cases received and closed each month of the period")),
            ], []
        )
    }

    // MARK: Ageing

    static let ageBands: [(key: String, title: String, range: ClosedRange<Int>)] = [
        ("days_0_30", "0–30 days", 0...30), ("days_31_90", "31–90 days", 31...90), ("days_91_180", "91–180 days", 91...180),
        ("days_181_365", "181–365 days", 181...365), ("days_over_365", "Over 365 days", 366...Int.max),
    ]

    func ageing() async throws -> ([ReportTable], [String]) {
        let asOf = request.asOf.index
        // Opening days grouped by the age bands' bounds, due days by the report day.
        let bounds = [366 - 1, 180, 90, 30, -1].map { CalendarDay(index: asOf - $0) }
        let open =
            try await cells(daily: .openDay, monthly: .openMonth, bounds: bounds, filters: filters, keep: [.state])
            + cells(daily: .dueDay, monthly: .dueMonth, bounds: [request.asOf], filters: filters, keep: [.state])
        let bands = Self.ageBands.map { band in
            CountColumn.counting(band.key, band.title, part: true) { $0.measure == .openDay && band.range.contains(asOf - $0.period.index) }
        }
        let office = RowLevel(\.office, label: ReportLabels.verbatim)
        return (
            [
                .counts(
                    id: "by_age", title: "Open cases by age", rowHeading: "Office / kind", levels: [office, RowLevel(\.kind)], columns: bands,
                    rowTotal: ReportColumn("open", "Open", kind: .rowTotal), cells: open,
                    chart: ReportChart(.stackedBars, series: bands.map(\.column.key), description: "Open cases of each office by age band")),
                .counts(
                    id: "overdue_by_stage", title: "Overdue by stage", rowHeading: "Office / kind / stage",
                    levels: [office, RowLevel(\.kind), RowLevel(\.state)],
                    columns: [
                        .counting("open", "Open") { $0.measure == .openDay },
                        .counting("overdue", "Overdue") { $0.measure == .dueDay && $0.period.index < asOf },
                    ], cells: open),
            ],
            ["Ages and overdue items stand at \(request.asOf) and count every case open that day; the period does not narrow them."]
        )
    }

    // MARK: Outcomes

    static let investigationOutcomes = ["closed_at_intake", "referred", "unsubstantiated", "substantiated"]

    func outcomes() async throws -> ([ReportTable], [String]) {
        var scoped = filters
        scoped.kind = "investigation"
        let closed = try await cells(
            RollupQuery([.closed], from: period.start, to: period.end, filters: scoped, keep: [.outcome], grouped: .all(as: period.start)))
        var columns = Self.investigationOutcomes.map { outcome in
            CountColumn.counting(outcome, ReportLabels.humanized(outcome), part: true) { $0.outcome == outcome }
        }
        columns.append(.counting("other", "Other", part: true) { !Self.investigationOutcomes.contains($0.outcome) })
        var table = ReportTable.counts(
            id: "by_category", title: "Investigations closed, by category and outcome", rowHeading: "Category",
            levels: [RowLevel(\.category)], columns: columns, rowTotal: ReportColumn("closed", "Closed", kind: .rowTotal), cells: closed,
            chart: ReportChart(
                .stackedBars, series: Self.investigationOutcomes, description: "Investigations closed in the period by outcome, per category"))
        table = table.appendingShare(
            "substantiation_rate", "Substantiated, % of findings", part: "substantiated", of: ["substantiated", "unsubstantiated"])
        return ([table], ["Investigated: closed with a finding (substantiated or unsubstantiated)."])
    }
}

extension ReportTable {
    /// Adds a percent column: `part` over the sum of `of`, per row.
    func appendingShare(_ key: String, _ columnTitle: String, part: String, of whole: [String]) -> ReportTable {
        let index = { (key: String) in self.columns.firstIndex { $0.key == key } }
        guard let partIndex = index(part) else { return self }
        let wholeIndexes = whole.compactMap(index)
        func share(_ row: ReportRow) -> ReportRow {
            var row = row
            let denominator = wholeIndexes.reduce(0) { $0 + (row.cells[$1].count ?? 0) }
            row.cells.append(.percent(row.cells[partIndex].count ?? 0, of: denominator))
            return row
        }
        return ReportTable(
            id: id, title: title, rowHeading: rowHeading, columns: columns + [ReportColumn(key, columnTitle, kind: .percent)], rows: rows.map(share),
            total: total.map(share), chart: chart)
    }
}
