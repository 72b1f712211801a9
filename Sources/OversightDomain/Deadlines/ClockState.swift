import Foundation

/// A running deadline: started at a time, paused for a while (on hold, information
/// requested), perhaps stopped. Its due date moves later by exactly the time spent paused.
public struct ClockState: Sendable, Hashable, Codable {
    public var limitDays: Int
    public var startedAt: Date
    public var pausedAt: Date?
    /// Total seconds spent paused before the current pause.
    public var pausedSeconds: Double
    public var stoppedAt: Date?

    public init(limitDays: Int, startedAt: Date, pausedAt: Date? = nil, pausedSeconds: Double = 0, stoppedAt: Date? = nil) {
        self.limitDays = limitDays
        self.startedAt = startedAt
        self.pausedAt = pausedAt
        self.pausedSeconds = pausedSeconds
        self.stoppedAt = stoppedAt
    }

    enum CodingKeys: String, CodingKey {
        case limitDays = "limit_days"
        case startedAt = "started_at"
        case pausedAt = "paused_at"
        case pausedSeconds = "paused_seconds"
        case stoppedAt = "stopped_at"
    }

    public var isRunning: Bool { pausedAt == nil && stoppedAt == nil }

    mutating func pause(at time: Date) {
        guard isRunning else { return }
        pausedAt = time
    }

    mutating func resume(at time: Date) {
        guard let pausedAt, stoppedAt == nil else { return }
        pausedSeconds += max(0, time.timeIntervalSince(pausedAt))
        self.pausedAt = nil
    }

    mutating func stop(at time: Date) {
        guard stoppedAt == nil else { return }
        if pausedAt != nil { resume(at: time) }
        stoppedAt = time
    }

    /// When the clock runs out, counting paused time as not elapsed. nil while paused (the
    /// due date is not known until the pause ends) or once stopped.
    public func dueAt(_ calendar: DeadlineCalendar) -> Date? {
        guard isRunning else { return nil }
        return calendar.adding(days: limitDays, to: startedAt.addingTimeInterval(pausedSeconds))
    }
}
