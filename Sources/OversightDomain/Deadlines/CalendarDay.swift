import Foundation

/// A day on the UTC calendar, counted from 1970-01-01; what holidays and business-day
/// arithmetic work in. Pure arithmetic: no time zone database is consulted.
public struct CalendarDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let index: Int

    public init(index: Int) { self.index = index }

    public init(_ date: Date) {
        index = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including impossible dates.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        // Digits only: Int("+1") would otherwise let "2026-+1-05" through.
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        index = Self.daysFromCivil(year: year, month: month, day: day)
    }

    /// 0 = Sunday ... 6 = Saturday.
    public var weekday: Int { ((index % 7) + 7 + 4) % 7 }
    public var isWeekend: Bool { weekday == 0 || weekday == 6 }

    public var description: String {
        let (year, month, day) = Self.civil(fromDays: index)
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.index < rhs.index }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days-from-civil algorithm.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The (year, month, day) of a day counted from 1970-01-01.
    public static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp + (mp < 10 ? 3 : -9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// How an office counts deadline days: calendar days, or business days that skip weekends
/// and the office's holidays.
public struct DeadlineCalendar: Sendable, Hashable {
    public let kind: Office.Calendar
    public let holidays: Set<CalendarDay>

    public init(kind: Office.Calendar, holidays: Set<CalendarDay> = []) {
        self.kind = kind
        self.holidays = holidays
    }

    public init(office: Office) {
        self.init(kind: office.calendar, holidays: Set(office.holidays.compactMap(CalendarDay.init)))
    }

    public static let calendarDays = DeadlineCalendar(kind: .calendarDays)

    /// `date` moved forward by `days` deadline days, keeping the time of day.
    public func adding(days: Int, to date: Date) -> Date {
        switch kind {
        case .calendarDays:
            return date.addingTimeInterval(Double(days) * 86_400)
        case .businessDays:
            var result = date
            var remaining = days
            while remaining > 0 {
                result = result.addingTimeInterval(86_400)
                let day = CalendarDay(result)
                if !day.isWeekend && !holidays.contains(day) { remaining -= 1 }
            }
            return result
        }
    }
}

extension CalendarDay {
    /// The UTC calendar year of `date` (case references are numbered per year).
    public static func civilYear(of date: Date) -> Int {
        civil(fromDays: CalendarDay(date).index).0
    }
}
