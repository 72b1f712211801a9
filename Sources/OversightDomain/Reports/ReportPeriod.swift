/// A report's period: whole calendar months, `from` to `to` inclusive (`2026-01` to
/// `2026-12` is the year 2026). Reports are published by month, quarter and year, and the
/// rollups count by month, so a month is the finest cut that stays exact.
public struct ReportPeriod: Sendable, Codable, Hashable {
    public let from: String
    public let to: String
    /// The first day of `from`'s month and the first day after `to`'s month.
    public let start: CalendarDay
    public let end: CalendarDay

    public enum Problem: Error, Hashable, CustomStringConvertible {
        case notAMonth(String)
        case reversed
        case tooLong

        public var description: String {
            switch self {
            case .notAMonth(let text): "\"\(text)\" is not a month: expected YYYY-MM"
            case .reversed: "the period ends before it starts"
            case .tooLong: "a period is at most 20 years"
            }
        }
    }

    enum CodingKeys: String, CodingKey { case from, to }

    public init(from: String, to: String) throws(Problem) {
        guard let start = Self.firstDay(of: from) else { throw .notAMonth(from) }
        guard let last = Self.firstDay(of: to) else { throw .notAMonth(to) }
        guard start <= last else { throw .reversed }
        guard last.index - start.index < 20 * 366 else { throw .tooLong }
        self.from = from
        self.to = to
        self.start = start
        self.end = Self.nextMonth(last)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(from: container.decode(String.self, forKey: .from), to: container.decode(String.self, forKey: .to))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
    }

    /// The twelve months ending with the month of `day`.
    public static func twelveMonths(endingWith day: CalendarDay) -> ReportPeriod {
        let (year, month, _) = CalendarDay.civil(fromDays: day.index)
        let startYear = month == 12 ? year : year - 1
        let startMonth = month == 12 ? 1 : month + 1
        // Both are well-formed months, so this cannot throw.
        return (try? ReportPeriod(from: monthText(startYear, startMonth), to: monthText(year, month)))!
    }

    /// The first day of each month of the period, in order.
    public var months: [CalendarDay] {
        var result: [CalendarDay] = []
        var month = start
        while month < end {
            result.append(month)
            month = Self.nextMonth(month)
        }
        return result
    }

    /// Whole years inside the period (their first days), and the months outside them: the
    /// yearly rollup serves the first, the monthly one the rest.
    public var yearsAndMonths: (years: [CalendarDay], months: [CalendarDay]) {
        var years: [CalendarDay] = []
        var months: [CalendarDay] = []
        var month = start
        while month < end {
            let (year, number, _) = CalendarDay.civil(fromDays: month.index)
            let nextYear = CalendarDay(index: CalendarDay.daysFromCivil(year: year + 1, month: 1, day: 1))
            if number == 1, nextYear <= end {
                years.append(month)
                month = nextYear
            } else {
                months.append(month)
                month = Self.nextMonth(month)
            }
        }
        return (years, months)
    }

    public static func monthLabel(_ day: CalendarDay) -> String { String(day.description.prefix(7)) }

    public static func firstOfMonth(_ day: CalendarDay) -> CalendarDay {
        let (year, month, _) = CalendarDay.civil(fromDays: day.index)
        return CalendarDay(index: CalendarDay.daysFromCivil(year: year, month: month, day: 1))
    }

    public static func firstOfYear(_ day: CalendarDay) -> CalendarDay {
        let (year, _, _) = CalendarDay.civil(fromDays: day.index)
        return CalendarDay(index: CalendarDay.daysFromCivil(year: year, month: 1, day: 1))
    }

    static func firstDay(of text: String) -> CalendarDay? { CalendarDay(text + "-01") }

    static func nextMonth(_ day: CalendarDay) -> CalendarDay {
        let (year, month, _) = CalendarDay.civil(fromDays: day.index)
        return CalendarDay(index: CalendarDay.daysFromCivil(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1))
    }

    static func monthText(_ year: Int, _ month: Int) -> String {
        String(year) + "-" + (month < 10 ? "0" : "") + String(month)
    }
}
