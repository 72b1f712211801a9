/// The reports of one oversight function each (retaliation, ombuds, recommendations,
/// evaluations) and the cross-cutting ones made of durations (timeliness, indicators).
extension Reading {
    // MARK: Timeliness

    /// Per stage: visits left in the period, median and 90th percentile days, and how many of
    /// those with a deadline met it.
    func stageTable(id: String, title: String, _ visits: [RollupCount], levels: [RowLevel]) -> ReportTable {
        let key = { (cell: RollupCount) in levels.map { $0.key(cell) } }
        let grouped = Dictionary(grouping: visits, by: key)
        let columns = [
            ReportColumn("visits", "Stages left"), ReportColumn("median_days", "Median days", kind: .days),
            ReportColumn("p90_days", "90th percentile days", kind: .days), ReportColumn("with_deadline", "With a deadline"),
            ReportColumn("within_deadline", "Within deadline"), ReportColumn("share_within", "Within deadline, %", kind: .percent),
        ]
        func row(_ label: String, _ cells: [RollupCount]) -> ReportRow {
            // One pass, no filtered copies of the cells (copying them was a tenth of a report).
            var histogram: [Int: Int] = [:]
            var (visits, withDeadline, within) = (0, 0, 0)
            for cell in cells {
                histogram[cell.days, default: 0] += cell.n
                visits += cell.n
                if !cell.outcome.isEmpty { withDeadline += cell.n }
                if cell.outcome == "within" { within += cell.n }
            }
            return ReportRow(
                label: label,
                cells: [
                    .count(visits), .days(DayHistogram.percentile(histogram, 0.5)), .days(DayHistogram.percentile(histogram, 0.9)),
                    .count(withDeadline), .count(within), .percent(within, of: withDeadline),
                ])
        }
        let rows = grouped.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { parts in
            row(zip(levels, parts).map { $0.label($1) }.joined(separator: " · "), grouped[parts]!)
        }.filter { ($0.cells[0].count ?? 0) > 0 }
        return ReportTable(
            id: id, title: title, rowHeading: levels.count > 1 ? "Kind · stage" : "Stage", columns: columns, rows: rows, total: row("Total", visits))
    }

    func timeliness() async throws -> ([ReportTable], [String]) {
        let visits = try await cells(monthly: .stageDays, yearly: .stageDaysYear, keep: [.state, .outcome, .days])
        return (
            [stageTable(id: "by_stage", title: "Days in each stage left during the period", visits, levels: [RowLevel(\.kind), RowLevel(\.state)])],
            [
                "Days are whole calendar days from entering a stage to leaving it; percentiles are exact (nearest rank).",
                "Within deadline: as the stage's own clock counts it (pauses and business days included).",
            ]
        )
    }

    // MARK: Retaliation

    static let retaliationMilestones = [
        ("prima_facie_found", "Prima facie case found"), ("referred_for_investigation", "Referred for investigation"),
        ("established", "Retaliation established"), ("protection_measures", "Protection measures"),
        ("interim_protection_pending", "Interim protection considered"),
    ]

    func retaliation() async throws -> ([ReportTable], [String]) {
        var scoped = filters
        scoped.kind = "retaliation_review"
        let cohort = try await cells(
            RollupQuery(
                [.received, .reached], from: period.start, to: period.end, filters: scoped, keep: [.region, .state], grouped: .all(as: period.start)))
        let closed = try await cells(
            RollupQuery([.closed], from: period.start, to: period.end, filters: scoped, keep: [.region, .outcome], grouped: .all(as: period.start)))
        var columns = [CountColumn.counting("requests", "Requests") { $0.measure == .received }]
        columns += Self.retaliationMilestones.map { state, title in CountColumn.counting(state, title) { $0.measure == .reached && $0.state == state }
        }
        let outcomes = ["no_prima_facie", "not_established", "established"]
        return (
            [
                .counts(
                    id: "requests", title: "Requests received in the period and how far they went", rowHeading: "Region",
                    levels: [RowLevel(\.region, label: ReportLabels.verbatim)], columns: columns, cells: cohort,
                    chart: ReportChart(
                        .bars, series: ["requests", "prima_facie_found", "established"],
                        description: "Requests, prima facie findings and established retaliation by region")),
                .counts(
                    id: "closed", title: "Reviews closed in the period, by outcome", rowHeading: "Region",
                    levels: [RowLevel(\.region, label: ReportLabels.verbatim)],
                    columns: outcomes.map { outcome in .counting(outcome, ReportLabels.humanized(outcome), part: true) { $0.outcome == outcome } },
                    rowTotal: ReportColumn("closed", "Closed", kind: .rowTotal), cells: closed),
            ],
            ["A request counts in each stage it has reached so far, in the month it was received."]
        )
    }

    // MARK: Ombuds

    /// The only fields an ombuds statistic is cut by: what survives the close of an ombuds case.
    static let ombudsDimensions: Set<String> = ["IOA category", "Visitor type", "Region", "Month", "Outcome"]

    func ombuds() async throws -> ([ReportTable], [String]) {
        var scoped = filters
        scoped.kind = "ombuds_case"
        let flow = try await cells(
            RollupQuery(
                [.received, .closed], from: period.start, to: period.end, filters: scoped, keep: [.ioaCategory, .visitorType, .region, .outcome]))
        let received = CountColumn.counting("received", "Cases opened") { $0.measure == .received }
        let closed = CountColumn.counting("closed", "Cases closed") { $0.measure == .closed }
        return (
            [
                .counts(
                    id: "by_ioa_category", title: "By IOA Uniform Reporting Category", rowHeading: "IOA category",
                    levels: [RowLevel(\.ioaCategory)], columns: [received, closed], cells: flow,
                    chart: ReportChart(.bars, series: ["received"], description: "Ombuds cases opened in the period by IOA category")),
                .counts(
                    id: "by_visitor_type", title: "By visitor type", rowHeading: "Visitor type", levels: [RowLevel(\.visitorType)],
                    columns: [received, closed], cells: flow),
                .counts(
                    id: "by_region", title: "By region", rowHeading: "Region", levels: [RowLevel(\.region, label: ReportLabels.verbatim)],
                    columns: [received, closed], cells: flow),
                .counts(
                    id: "by_month", title: "By month", rowHeading: "Month",
                    levels: [.months(of: period)], columns: [received, closed],
                    cells: flow,
                    chart: ReportChart(.line, series: ["received"], description: "Ombuds cases opened each month")),
                .counts(
                    id: "by_outcome", title: "Closed, by outcome", rowHeading: "Outcome", levels: [RowLevel(\.outcome)], columns: [closed],
                    cells: flow.filter { $0.measure == .closed }),
            ],
            ["De-identified: only the IOA category, visitor type, region, month and outcome of each case are counted."]
        )
    }

    // MARK: Recommendations

    func recommendations() async throws -> ([ReportTable], [String]) {
        var scoped = filters
        scoped.kind = "recommendation"
        let flow = try await flow(scoped, keep: [.ownerOffice, .priority, .outcome], keepForHistory: [.ownerOffice, .priority])
        let closing = try await cells(
            monthly: .closeDays, yearly: .closeDaysYear, kind: "recommendation", keep: [.ownerOffice, .priority, .outcome, .days])
        let open =
            try await cells(RollupQuery([.openMonth], filters: scoped, keep: [.ownerOffice, .priority], grouped: .all(as: request.asOf)))
            .map { cell in
                var cell = cell
                cell.measure = .openDay
                return cell
            }
            + cells(daily: .dueDay, monthly: .dueMonth, bounds: [request.asOf], filters: scoped, keep: [.ownerOffice, .priority])
        let asOf = request.asOf.index
        let owner = RowLevel(\.ownerOffice, label: ReportLabels.verbatim)
        let priority = RowLevel(\.priority, order: ["urgent", "high", "normal", "low"])
        let flowColumns = [
            CountColumn.counting("issued", "Issued") { $0.measure == .received && inPeriod($0) },
            Self.openAtEnd,
            CountColumn.counting("risk_accepted", "Risk accepted") { $0.measure == .closed && inPeriod($0) && $0.outcome == "risk_accepted" },
        ]
        let implemented = [
            CountColumn.counting("implemented", "Implemented") { $0.outcome == "implemented" },
            CountColumn.counting("within_12_months", "Within 12 months") { $0.outcome == "implemented" && $0.days <= 365 },
            CountColumn.counting("within_18_months", "Within 18 months") { $0.outcome == "implemented" && $0.days <= 548 },
        ]
        return (
            [
                .counts(
                    id: "by_owner", title: "By owner and priority", rowHeading: "Owner office / priority", levels: [owner, priority],
                    columns: flowColumns, cells: flow,
                    chart: ReportChart(
                        .bars, series: ["issued", "open_at_end"], description: "Recommendations issued and open at the period end, by owner office")),
                .counts(
                    id: "implemented", title: "Implemented in the period, and how soon", rowHeading: "Owner office / priority",
                    levels: [owner, priority], columns: implemented, cells: closing),
                .counts(
                    id: "overdue", title: "Open and overdue on the report day", rowHeading: "Owner office / priority", levels: [owner, priority],
                    columns: [
                        .counting("open", "Open") { $0.measure == .openDay },
                        .counting("overdue", "Overdue") { $0.measure == .dueDay && $0.period.index < asOf },
                    ], cells: open),
                .counts(
                    id: "by_source", title: "By issuing office", rowHeading: "Issuing office",
                    levels: [RowLevel(\.office, label: ReportLabels.verbatim)],
                    columns: flowColumns, cells: flow),
            ],
            ["Within 12 (18) months: implemented at most 365 (548) days after the recommendation was issued."]
        )
    }

    // MARK: Evaluations

    func evaluations() async throws -> ([ReportTable], [String]) {
        var scoped = filters
        scoped.kind = "evaluation"
        let open = try await cells(RollupQuery([.openMonth], filters: scoped, keep: [.state], grouped: .all(as: period.start)))
        let flow = try await cells(
            RollupQuery([.received, .closed], from: period.start, to: period.end, filters: scoped, keep: [.outcome], grouped: .all(as: period.start)))
        let stages = try await cells(monthly: .stageDays, yearly: .stageDaysYear, kind: "evaluation", keep: [.state, .outcome, .days])
        let responses = stages.filter { $0.state == "management_response_pending" }
        return (
            [
                .counts(
                    id: "pipeline", title: "Pipeline on the report day", rowHeading: "Stage", levels: [RowLevel(\.state)],
                    columns: [.counting("evaluations", "Evaluations") { _ in true }], cells: open,
                    chart: ReportChart(.bars, series: ["evaluations"], description: "Evaluations open on the report day by stage")),
                .counts(
                    id: "flow", title: "Planned and closed in the period", rowHeading: "Office",
                    levels: [RowLevel(\.office, label: ReportLabels.verbatim)],
                    columns: [
                        .counting("planned", "Planned") { $0.measure == .received },
                        .counting("completed", "Completed") { $0.measure == .closed && $0.outcome == "completed" },
                        .counting("cancelled", "Cancelled") { $0.measure == .closed && $0.outcome == "cancelled" },
                    ], cells: flow),
                stageTable(
                    id: "management_responses", title: "Management responses given in the period", responses,
                    levels: [RowLevel(\.office, label: ReportLabels.verbatim)]),
            ],
            ["A management response is on time when it is recorded within the deadline of the management_response_pending stage."]
        )
    }

    // MARK: Indicators

    func indicators() async throws -> ([ReportTable], [String]) {
        let flow = try await cells(
            RollupQuery(
                [.received, .closed], from: period.start, to: period.end, filters: filters, keep: [.region, .outcome], grouped: .all(as: period.start)
            ))
        let closing = try await cells(monthly: .closeDays, yearly: .closeDaysYear, keep: [.days])
        let regions = Set(flow.map(\.region)).union(settings.headcountByRegion.keys).sorted()
        var perStaff = ReportTable.counts(
            id: "reports_per_staff", title: "Reports per 100 staff, by region", rowHeading: "Region",
            levels: [RowLevel(\.region, label: ReportLabels.verbatim, order: regions)],
            columns: [.counting("received", "Cases received") { $0.measure == .received }], cells: flow,
            chart: ReportChart(.bars, series: ["received"], description: "Cases received in the period by region"))
        let staffTotal = settings.headcountByRegion.values.reduce(0, +)
        func rate(_ row: ReportRow, staff: Int?) -> ReportRow {
            var row = row
            row.cells.append(ReportValue(value: staff.map(Double.init), display: staff.map(String.init) ?? "–"))
            let received = row.cells[0].count ?? 0
            row.cells.append(.rate(staff.map { Double(received) * 100 / Double($0) }))
            return row
        }
        perStaff = ReportTable(
            id: perStaff.id, title: perStaff.title, rowHeading: perStaff.rowHeading,
            columns: perStaff.columns + [
                ReportColumn("staff", "Staff", kind: .number), ReportColumn("per_100_staff", "Per 100 staff", kind: .percent),
            ],
            rows: perStaff.rows.map { rate($0, staff: settings.headcountByRegion[$0.label]) },
            total: perStaff.total.map { rate($0, staff: staffTotal > 0 ? staffTotal : nil) }, chart: perStaff.chart)

        var byOffice = ReportTable.counts(
            id: "by_office", title: "Closures, findings and days to close, by office", rowHeading: "Office",
            levels: [RowLevel(\.office, label: ReportLabels.verbatim)],
            columns: [
                .counting("closed", "Closed") { $0.measure == .closed },
                .counting("substantiated", "Substantiated") { $0.measure == .closed && $0.kind == "investigation" && $0.outcome == "substantiated" },
                .counting("unsubstantiated", "Unsubstantiated") {
                    $0.measure == .closed && $0.kind == "investigation" && $0.outcome == "unsubstantiated"
                },
            ], cells: flow)
        byOffice = byOffice.appendingShare(
            "substantiation_rate", "Substantiation rate, %", part: "substantiated", of: ["substantiated", "unsubstantiated"])
        let histograms = Dictionary(grouping: closing, by: \.office).mapValues { cells in
            cells.reduce(into: [Int: Int]()) { $0[$1.days, default: 0] += $1.n }
        }
        let all = closing.reduce(into: [Int: Int]()) { $0[$1.days, default: 0] += $1.n }
        byOffice = ReportTable(
            id: byOffice.id, title: byOffice.title, rowHeading: byOffice.rowHeading,
            columns: byOffice.columns + [ReportColumn("median_days_to_close", "Median days to close", kind: .days)],
            rows: byOffice.rows.map { row in
                var row = row
                row.cells.append(.days(histograms[row.label].flatMap { DayHistogram.percentile($0, 0.5) }))
                return row
            },
            total: byOffice.total.map { row in
                var row = row
                row.cells.append(.days(DayHistogram.percentile(all, 0.5)))
                return row
            }, chart: nil)
        return (
            [perStaff, byOffice],
            [
                "Staff numbers from Config/reports.yaml.",
                "Anonymous reporters who come back to their channel: not counted in the report rollups yet.",
            ]
        )
    }
}
