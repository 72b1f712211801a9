import Foundation

/// One thing a case owes, and by when.
public struct DueItem: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Triage of a newly filed case (routing's triage hours).
        case triage
        /// The current state's stage deadline.
        case stage(String)
        /// A named workflow clock (e.g. the 180-day investigation).
        case clock(String)
        /// Acknowledging the reporter.
        case acknowledgement
        /// The next periodic feedback to the reporter.
        case feedback
        /// A recommendation's due date (the `due_date` field, agreed in the action plan).
        case recommendationDue
    }

    public let kind: Kind
    /// nil while the clock is paused: the due date is not known until it resumes.
    public let dueAt: Date?
    public let isPaused: Bool

    public func isOverdue(at now: Date) -> Bool {
        guard let dueAt else { return false }
        return now > dueAt
    }
}

/// "What is due, and when, for this case at this time" and "is it overdue".
public struct CaseDeadlines: Sendable {
    public let workflow: WorkflowDefinition
    public let calendar: DeadlineCalendar

    public init(workflow: WorkflowDefinition, calendar: DeadlineCalendar = .calendarDays) {
        self.workflow = workflow
        self.calendar = calendar
    }

    public func dueItems(for snapshot: CaseSnapshot) -> [DueItem] {
        let state = workflow.state(snapshot.state)
        guard state?.kind != .terminal else { return [] }
        let paused = state?.kind == .paused
        var items: [DueItem] = []
        if state?.kind == .initial, let triage = snapshot.triageDueAt {
            items.append(DueItem(kind: .triage, dueAt: triage, isPaused: false))
        }
        if let stage = snapshot.stageClock, stage.stoppedAt == nil {
            let stageName = paused ? (snapshot.pausedFrom ?? snapshot.state) : snapshot.state
            items.append(DueItem(kind: .stage(stageName), dueAt: stage.dueAt(calendar), isPaused: stage.pausedAt != nil))
        }
        for (name, clock) in snapshot.clocks.sorted(by: { $0.key < $1.key }) where clock.stoppedAt == nil {
            items.append(DueItem(kind: .clock(name), dueAt: clock.dueAt(calendar), isPaused: clock.pausedAt != nil))
        }
        // A recommendation is due at the end of its due date (UTC).
        if case .text(let text) = snapshot.fields["due_date"], let day = CalendarDay(text) {
            items.append(DueItem(kind: .recommendationDue, dueAt: Date(timeIntervalSince1970: Double(day.index + 1) * 86_400), isPaused: false))
        }
        // Duties to the reporter run in calendar days and do not pause: the reporter is owed
        // news even while the case waits.
        if let policy = workflow.reporterClocks {
            if snapshot.acknowledgedAt == nil {
                items.append(
                    DueItem(
                        kind: .acknowledgement, dueAt: snapshot.filedAt.addingTimeInterval(Double(policy.acknowledgeDays) * 86_400), isPaused: false))
            }
            let lastUpdate = snapshot.lastReporterUpdateAt ?? snapshot.acknowledgedAt ?? snapshot.filedAt
            items.append(DueItem(kind: .feedback, dueAt: lastUpdate.addingTimeInterval(Double(policy.feedbackDays) * 86_400), isPaused: false))
        }
        return items
    }

    public func overdueItems(for snapshot: CaseSnapshot, at now: Date) -> [DueItem] {
        dueItems(for: snapshot).filter { $0.isOverdue(at: now) }
    }

    public func isOverdue(_ snapshot: CaseSnapshot, at now: Date) -> Bool {
        !overdueItems(for: snapshot, at: now).isEmpty
    }
}
