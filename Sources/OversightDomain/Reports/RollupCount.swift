/// One cell of the report rollup (`report_cells`, Schema/0015): how many cases (or stage
/// visits) share these values. Dimensions a query did not ask for are "".
public struct RollupCount: Sendable, Hashable {
    public enum Measure: String, Sendable, CaseIterable {
        /// By the month (year, `receivedYear`) a case was opened.
        case received
        case receivedYear = "received_year"
        /// By the month (year) a case was closed, with its outcome.
        case closed
        case closedYear = "closed_year"
        /// Days from opening to closing, by closing month (and year, `closeDaysYear`).
        case closeDays = "close_days"
        case closeDaysYear = "close_days_year"
        /// A milestone state the case has been in, by opening month.
        case reached
        /// An open case by the day (month) it was opened, with its state.
        case openDay = "open_day"
        case openMonth = "open_month"
        /// An open case by the day (month) its earliest obligation falls due.
        case dueDay = "due_day"
        case dueMonth = "due_month"
        /// Days spent in a stage (`state`), by the month (year) it was left; `outcome` says
        /// whether the stage deadline held ("within", "late", "" for none).
        case stageDays = "stage_days"
        case stageDaysYear = "stage_days_year"
    }

    public var measure: Measure
    public var period: CalendarDay
    public var office: String
    public var kind: String
    public var category: String
    public var region: String
    public var countryOffice: String
    public var confinement: String
    public var state: String
    public var outcome: String
    public var priority: String
    public var ownerOffice: String
    public var ioaCategory: String
    public var visitorType: String
    public var days: Int
    public var n: Int

    public init(
        measure: Measure, period: CalendarDay, office: String, kind: String, category: String = "", region: String = "",
        countryOffice: String = "", confinement: String = "", state: String = "", outcome: String = "", priority: String = "",
        ownerOffice: String = "", ioaCategory: String = "", visitorType: String = "", days: Int = 0, n: Int
    ) {
        self.measure = measure
        self.period = period
        self.office = office
        self.kind = kind
        self.category = category
        self.region = region
        self.countryOffice = countryOffice
        self.confinement = confinement
        self.state = state
        self.outcome = outcome
        self.priority = priority
        self.ownerOffice = ownerOffice
        self.ioaCategory = ioaCategory
        self.visitorType = visitorType
        self.days = days
        self.n = n
    }
}

/// The dimensions a query may keep; the rest come back as "" (and cells differing only in
/// them are summed by the database), so that a report reads a few hundred rows, not every cell.
/// Office, kind, category and confinement are always kept: who may count a cell depends on them.
public enum RollupDimension: Sendable, Hashable, CaseIterable {
    case region, countryOffice, state, outcome, priority, ownerOffice, ioaCategory, visitorType, days
}

/// How a query returns periods.
public enum PeriodGrouping: Sendable, Hashable {
    /// Each period as it is.
    case each
    /// Every period as this one day (the cells summed).
    case all(as: CalendarDay)
    /// Periods grouped by ascending bounds: a period from bounds[i] up to bounds[i + 1] comes back
    /// as bounds[i], one before bounds[0] as the day before bounds[0].
    case buckets([CalendarDay])
}

/// What a report asks the rollup for: measures over a span of periods, within filters.
public struct RollupQuery: Sendable, Hashable {
    public var measures: [RollupCount.Measure]
    public var keep: Set<RollupDimension> = []
    public var periodGrouping: PeriodGrouping = .each
    /// Periods from `from` (inclusive) to `to` (exclusive); nil: unbounded.
    public var from: CalendarDay?
    public var to: CalendarDay?
    /// Only these periods (the first days of years or months), when given.
    public var periods: [CalendarDay]?
    /// Not these periods, when given.
    public var excluding: [CalendarDay]?
    public var offices: [String]?
    public var kinds: [String]?
    public var regions: [String]?
    public var countryOffices: [String]?

    public init(
        _ measures: [RollupCount.Measure], from: CalendarDay? = nil, to: CalendarDay? = nil, periods: [CalendarDay]? = nil,
        filters: ReportFilters = ReportFilters(), keep: Set<RollupDimension> = [], grouped grouping: PeriodGrouping = .each,
        excluding: [CalendarDay]? = nil
    ) {
        self.measures = measures
        self.keep = keep
        self.periodGrouping = grouping
        self.excluding = excluding
        self.from = from
        self.to = to
        self.periods = periods
        self.offices = filters.office.map { [$0] }
        self.kinds = filters.kind.map { [$0] }
        self.regions = filters.region.map { [$0] }
        self.countryOffices = filters.countryOffice.map { [$0] }
    }
}

/// The filters a reader chose (each optional).
public struct ReportFilters: Sendable, Hashable {
    public var office: String?
    public var kind: String?
    public var region: String?
    public var countryOffice: String?

    public init(office: String? = nil, kind: String? = nil, region: String? = nil, countryOffice: String? = nil) {
        self.office = office
        self.kind = kind
        self.region = region
        self.countryOffice = countryOffice
    }

    public var applied: [String: String] {
        var result: [String: String] = [:]
        result["office"] = office
        result["kind"] = kind
        result["region"] = region
        result["country_office"] = countryOffice
        return result
    }
}
