import Foundation
import OversightDomain
import Testing

private let deadlineTestDay = FixtureTime.day

/// An OIG lead who triages and puts cases on hold.
private let deadlineTestLead = Actor(id: "lead-1", memberships: [OfficeMembership(office: FixtureOrg.code("OIG"), role: .lead)])
/// The Inspector General, who closes cases.
private let deadlineTestHead = FixtureOrg.actor("ig-1", ("OIG", .head))
/// The investigator the case is assigned to.
private let deadlineTestInvestigator = FixtureOrg.actor("inv-1", ("OIG", .officer))

private func deadlineTestItem(_ kind: DueItem.Kind, in items: [DueItem], sourceLocation: SourceLocation = #_sourceLocation) throws -> DueItem {
    try #require(items.first { $0.kind == kind }, "no \(kind) among \(items.map(\.kind))", sourceLocation: sourceLocation)
}

@Suite("Calendar days")
struct CalendarDayTests {
    @Test(arguments: [
        "1970-01-01", "1969-12-31", "1999-12-31", "2000-02-29", "2024-02-29", "2026-01-01", "2026-11-29", "2026-12-31",
        "2100-02-28", "2400-02-29",
    ])
    func parsesAndPrintsTheSameText(_ text: String) throws {
        let day = try #require(CalendarDay(text))
        #expect(day.description == text)
        #expect(CalendarDay(day.description) == day)
        #expect(CalendarDay(index: day.index) == day)
    }

    @Test(arguments: [
        "2026-02-30", "2026-02-29", "2100-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "2026-01-32",
        "26-01-01", "2026-1-01", "2026-01-1", "2026/01/01", "20260101", "2026-01-01-01", "2026-01-01T00:00", "",
        "abcd-ef-gh", " 2026-01-01", "2026-01-01 ",
    ])
    func refusesImpossibleOrMalformedDays(_ text: String) {
        #expect(CalendarDay(text) == nil)
    }

    @Test func countsDaysFromTheEpoch() throws {
        #expect(CalendarDay("1970-01-01")?.index == 0)
        #expect(CalendarDay("1970-01-02")?.index == 1)
        #expect(CalendarDay("1969-12-31")?.index == -1)
        #expect(CalendarDay("1971-01-01")?.index == 365)
        let leapYear = try #require(CalendarDay("2024-03-01")).index - #require(CalendarDay("2024-02-01")).index
        #expect(leapYear == 29)
        let commonYear = try #require(CalendarDay("2026-03-01")).index - #require(CalendarDay("2026-02-01")).index
        #expect(commonYear == 28)
    }

    @Test func weekdays() throws {
        #expect(try #require(CalendarDay("2026-11-29")).weekday == 0)  // Sunday
        #expect(try #require(CalendarDay("2026-11-29")).isWeekend)
        #expect(try #require(CalendarDay("2026-11-28")).weekday == 6)  // Saturday
        #expect(try #require(CalendarDay("2026-11-28")).isWeekend)
        #expect(try #require(CalendarDay("2026-11-30")).weekday == 1)  // Monday
        #expect(try #require(CalendarDay("2026-11-30")).isWeekend == false)
        #expect(try #require(CalendarDay("2026-12-24")).weekday == 4)  // Thursday
        #expect(try #require(CalendarDay("1970-01-01")).weekday == 4)  // Thursday
        #expect(try #require(CalendarDay("1969-12-31")).weekday == 3)  // Wednesday, before the epoch
    }

    @Test func dayOfAnInstantIsItsUTCDay() throws {
        let lateEvening = FixtureTime.at("2026-11-29", hour: 23).addingTimeInterval(59 * 60)
        #expect(CalendarDay(lateEvening) == CalendarDay("2026-11-29"))
        #expect(CalendarDay(lateEvening.addingTimeInterval(60)) == CalendarDay("2026-11-30"))
        #expect(CalendarDay(Date(timeIntervalSince1970: -1)) == CalendarDay("1969-12-31"))
    }

    @Test func ordersByDate() throws {
        let christmas = try #require(CalendarDay("2026-12-25"))
        let newYear = try #require(CalendarDay("2027-01-01"))
        #expect(christmas < newYear)
        #expect([newYear, christmas].sorted() == [christmas, newYear])
    }

    @Test
    func refusesSignedComponents() {
        #expect(CalendarDay("2026-+1-+5") == nil)
        #expect(CalendarDay("+026-01-01") == nil)
        #expect(CalendarDay("2026-+1-05") == nil)
    }
}

@Suite("Deadline calendars")
struct DeadlineCalendarTests {
    @Test func calendarDaysKeepTheTimeOfDay() {
        let start = FixtureTime.at("2026-12-24", hour: 10)
        #expect(DeadlineCalendar.calendarDays.adding(days: 1, to: start) == FixtureTime.at("2026-12-25", hour: 10))
        #expect(DeadlineCalendar.calendarDays.adding(days: 30, to: start) == FixtureTime.at("2027-01-23", hour: 10))
        #expect(DeadlineCalendar.calendarDays.adding(days: 0, to: start) == start)
    }

    @Test func businessDaysSkipAHolidayAndTheWeekend() throws {
        let christmas = try #require(CalendarDay("2026-12-25"))
        let calendar = DeadlineCalendar(kind: .businessDays, holidays: [christmas])
        let thursday = FixtureTime.at("2026-12-24", hour: 10)
        #expect(calendar.adding(days: 1, to: thursday) == FixtureTime.at("2026-12-28", hour: 10))
        #expect(calendar.adding(days: 2, to: thursday) == FixtureTime.at("2026-12-29", hour: 10))
        #expect(calendar.adding(days: 0, to: thursday) == thursday)
        // Without the holiday, Friday counts.
        #expect(DeadlineCalendar(kind: .businessDays).adding(days: 1, to: thursday) == FixtureTime.at("2026-12-25", hour: 10))
    }

    @Test func businessDaysFromAWeekendStartOnMonday() {
        let calendar = DeadlineCalendar(kind: .businessDays)
        #expect(calendar.adding(days: 1, to: FixtureTime.at("2026-11-28", hour: 9)) == FixtureTime.at("2026-11-30", hour: 9))
        #expect(calendar.adding(days: 1, to: FixtureTime.at("2026-11-29", hour: 9)) == FixtureTime.at("2026-11-30", hour: 9))
        #expect(calendar.adding(days: 5, to: FixtureTime.at("2026-11-30", hour: 9)) == FixtureTime.at("2026-12-07", hour: 9))
        #expect(calendar.adding(days: 1, to: FixtureTime.at("2026-12-04", hour: 9)) == FixtureTime.at("2026-12-07", hour: 9))
    }

    @Test func ethicsOfficeCountsBusinessDaysWithItsShippedHolidays() throws {
        let offices = try FixtureConfiguration.shipped().offices
        let eco = try #require(offices.office(FixtureOrg.code("ECO")))
        let calendar = DeadlineCalendar(office: eco)
        #expect(calendar.kind == .businessDays)
        #expect(calendar.holidays == [try #require(CalendarDay("2026-12-25")), try #require(CalendarDay("2027-01-01"))])
        // Thursday 31 December + 1: New Year's Day is a holiday, then the weekend.
        #expect(calendar.adding(days: 1, to: FixtureTime.at("2026-12-31", hour: 9)) == FixtureTime.at("2027-01-04", hour: 9))
        // 30 business days from Monday 30 November 2026, skipping both holidays: Wednesday 13 January 2027.
        #expect(calendar.adding(days: 30, to: FixtureTime.at("2026-11-30", hour: 9)) == FixtureTime.at("2027-01-13", hour: 9))

        let oig = try #require(offices.office(FixtureOrg.code("OIG")))
        #expect(DeadlineCalendar(office: oig) == .calendarDays)
    }
}

@Suite("Clock arithmetic")
struct ClockStateTests {
    private let start = FixtureTime.at("2026-03-02", hour: 9)

    @Test func runningClockIsDueAfterItsLimit() {
        let clock = ClockState(limitDays: 30, startedAt: start)
        #expect(clock.isRunning)
        #expect(clock.dueAt(.calendarDays) == start.addingTimeInterval(30 * deadlineTestDay))
    }

    @Test func pausedClockHasNoDueDate() {
        let clock = ClockState(limitDays: 30, startedAt: start, pausedAt: start.addingTimeInterval(5 * deadlineTestDay))
        #expect(clock.isRunning == false)
        #expect(clock.dueAt(.calendarDays) == nil)
    }

    @Test func timeSpentPausedMovesTheDueDate() {
        let clock = ClockState(limitDays: 30, startedAt: start, pausedSeconds: 3 * deadlineTestDay)
        #expect(clock.isRunning)
        #expect(clock.dueAt(.calendarDays) == start.addingTimeInterval(33 * deadlineTestDay))
    }

    @Test func stoppedClockHasNoDueDate() {
        let clock = ClockState(limitDays: 30, startedAt: start, stoppedAt: start.addingTimeInterval(2 * deadlineTestDay))
        #expect(clock.isRunning == false)
        #expect(clock.dueAt(.calendarDays) == nil)
    }

    @Test func pausedTimeCountsBeforeBusinessDays() throws {
        // Started Wednesday 23 December, paused a full day: counting starts from Thursday 24th.
        let calendar = DeadlineCalendar(kind: .businessDays, holidays: [try #require(CalendarDay("2026-12-25"))])
        let clock = ClockState(limitDays: 1, startedAt: FixtureTime.at("2026-12-23", hour: 9), pausedSeconds: deadlineTestDay)
        #expect(clock.dueAt(calendar) == FixtureTime.at("2026-12-28", hour: 9))
    }

    @Test func codableWithSnakeCaseKeys() throws {
        let clock = ClockState(limitDays: 30, startedAt: start, pausedAt: start.addingTimeInterval(deadlineTestDay), pausedSeconds: 7_200)
        let data = try JSONEncoder().encode(clock)
        #expect(try JSONDecoder().decode(ClockState.self, from: data) == clock)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["limit_days", "started_at", "paused_at", "paused_seconds"])
    }
}

@Suite("Case deadlines under the shipped investigation workflow")
struct CaseDeadlineTests {
    /// Filed Monday 2 March 2026 at 09:00, triage due 72 hours later.
    private let filedAt = FixtureTime.at("2026-03-02", hour: 9)

    private func newCase(_ workflow: WorkflowDefinition) -> CaseSnapshot {
        CaseSnapshot(workflow: workflow, filedBy: "staff-42", filedAt: filedAt, triageDueAt: filedAt.addingTimeInterval(72 * FixtureTime.hour))
    }

    /// begin_assessment one day after filing, by the OIG lead.
    private func assessed(_ engine: WorkflowEngine) throws -> (snapshot: CaseSnapshot, at: Date) {
        let at = filedAt.addingTimeInterval(deadlineTestDay)
        let decision = try engine.decide("begin_assessment", on: newCase(engine.workflow), by: deadlineTestLead, at: at)
        return (decision.snapshot, at)
    }

    @Test func newCaseOwesTriageAcknowledgementAndFeedback() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let deadlines = CaseDeadlines(workflow: workflow)
        let snapshot = newCase(workflow)
        #expect(snapshot.state == "received")
        #expect(snapshot.stageClock == nil)

        let items = deadlines.dueItems(for: snapshot)
        #expect(items.count == 3)
        #expect(try deadlineTestItem(.triage, in: items).dueAt == filedAt.addingTimeInterval(72 * FixtureTime.hour))
        #expect(try deadlineTestItem(.acknowledgement, in: items).dueAt == filedAt.addingTimeInterval(7 * deadlineTestDay))
        #expect(try deadlineTestItem(.feedback, in: items).dueAt == filedAt.addingTimeInterval(90 * deadlineTestDay))
        #expect(items.allSatisfy { !$0.isPaused })
    }

    @Test func newCaseBecomesOverdueForTriageThenAcknowledgement() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let deadlines = CaseDeadlines(workflow: workflow)
        let snapshot = newCase(workflow)
        #expect(deadlines.isOverdue(snapshot, at: filedAt.addingTimeInterval(72 * FixtureTime.hour)) == false)
        #expect(deadlines.overdueItems(for: snapshot, at: filedAt.addingTimeInterval(73 * FixtureTime.hour)).map(\.kind) == [.triage])
        #expect(
            deadlines.overdueItems(for: snapshot, at: filedAt.addingTimeInterval(8 * deadlineTestDay)).map(\.kind)
                == [.triage, .acknowledgement])
    }

    @Test func beginningTheAssessmentAcknowledgesAndStartsThe30DayStage() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let engine = WorkflowEngine(workflow: workflow)
        let at = filedAt.addingTimeInterval(deadlineTestDay)
        let decision = try engine.decide("begin_assessment", on: newCase(workflow), by: deadlineTestLead, at: at)
        #expect(decision.to == "preliminary_assessment")
        #expect(decision.effects.contains(.notify(.reporter)))
        #expect(decision.snapshot.acknowledgedAt == at)
        #expect(decision.snapshot.lastReporterUpdateAt == at)

        let items = CaseDeadlines(workflow: workflow).dueItems(for: decision.snapshot)
        #expect(items.count == 2)
        #expect(!items.contains { $0.kind == .acknowledgement })
        #expect(!items.contains { $0.kind == .triage })
        let stage = try deadlineTestItem(.stage("preliminary_assessment"), in: items)
        #expect(stage.dueAt == at.addingTimeInterval(30 * deadlineTestDay))
        #expect(stage.isPaused == false)
        #expect(try deadlineTestItem(.feedback, in: items).dueAt == at.addingTimeInterval(90 * deadlineTestDay))
    }

    @Test func holdNeedsAReason() throws {
        let engine = WorkflowEngine(workflow: try FixtureConfiguration.workflow(.investigation))
        let (snapshot, at) = try assessed(engine)
        let holdAt = at.addingTimeInterval(5 * deadlineTestDay)
        #expect(throws: TransitionRefusal.missingField("reason")) {
            try engine.decide("put_on_hold", on: snapshot, by: deadlineTestLead, at: holdAt)
        }
        #expect(throws: TransitionRefusal.missingField("reason")) {
            try engine.decide("put_on_hold", on: snapshot, by: deadlineTestLead, input: ["reason": .text("   ")], at: holdAt)
        }
    }

    @Test func holdPausesTheStageAndResumingMovesItByTheHoldDuration() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let engine = WorkflowEngine(workflow: workflow)
        let deadlines = CaseDeadlines(workflow: workflow)
        let (assessing, startedAt) = try assessed(engine)

        let holdAt = startedAt.addingTimeInterval(5 * deadlineTestDay)
        let held = try engine.decide(
            "put_on_hold", on: assessing, by: deadlineTestLead,
            input: ["reason": .text("waiting for bank records")], at: holdAt
        ).snapshot
        #expect(held.state == "on_hold")
        #expect(held.pausedFrom == "preliminary_assessment")
        let pausedItems = deadlines.dueItems(for: held)
        let pausedStage = try deadlineTestItem(.stage("preliminary_assessment"), in: pausedItems)
        #expect(pausedStage.isPaused)
        #expect(pausedStage.dueAt == nil)
        // The reporter's feedback does not pause.
        let feedback = try deadlineTestItem(.feedback, in: pausedItems)
        #expect(feedback.isPaused == false)
        #expect(feedback.dueAt == startedAt.addingTimeInterval(90 * deadlineTestDay))
        // A paused stage is never overdue, however long the hold.
        #expect(deadlines.overdueItems(for: held, at: startedAt.addingTimeInterval(60 * deadlineTestDay)).isEmpty)

        let resumeAt = holdAt.addingTimeInterval(3 * deadlineTestDay)
        let resumed = try engine.decide("resume", on: held, by: deadlineTestLead, at: resumeAt)
        #expect(resumed.to == "preliminary_assessment")
        #expect(resumed.snapshot.pausedFrom == nil)
        let stage = try deadlineTestItem(.stage("preliminary_assessment"), in: deadlines.dueItems(for: resumed.snapshot))
        #expect(stage.isPaused == false)
        #expect(stage.dueAt == startedAt.addingTimeInterval(33 * deadlineTestDay))
        #expect(resumed.snapshot.stageClock?.startedAt == startedAt)
        #expect(resumed.snapshot.stageClock?.pausedSeconds == 3 * deadlineTestDay)

        // A second hold adds its own duration.
        let heldAgain = try engine.decide(
            "put_on_hold", on: resumed.snapshot, by: deadlineTestLead,
            input: ["reason": .text("witness abroad")], at: resumeAt.addingTimeInterval(deadlineTestDay)
        ).snapshot
        let resumedAgain = try engine.decide(
            "resume", on: heldAgain, by: deadlineTestLead,
            at: resumeAt.addingTimeInterval(3 * deadlineTestDay)
        ).snapshot
        let secondStage = try deadlineTestItem(.stage("preliminary_assessment"), in: deadlines.dueItems(for: resumedAgain))
        #expect(secondStage.dueAt == startedAt.addingTimeInterval(35 * deadlineTestDay))
    }

    @Test func stageIsOverdueOnlyAfterItsMovedDueDate() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let engine = WorkflowEngine(workflow: workflow)
        let deadlines = CaseDeadlines(workflow: workflow)
        let (assessing, startedAt) = try assessed(engine)
        let held = try engine.decide(
            "put_on_hold", on: assessing, by: deadlineTestLead, input: ["reason": .text("records")],
            at: startedAt.addingTimeInterval(5 * deadlineTestDay)
        ).snapshot
        let resumed = try engine.decide("resume", on: held, by: deadlineTestLead, at: startedAt.addingTimeInterval(8 * deadlineTestDay)).snapshot
        let due = startedAt.addingTimeInterval(33 * deadlineTestDay)

        // Without the hold the stage would be overdue after 30 days; with it, not yet.
        #expect(deadlines.isOverdue(resumed, at: startedAt.addingTimeInterval(31 * deadlineTestDay)) == false)
        #expect(deadlines.isOverdue(resumed, at: due) == false)
        let overdue = deadlines.overdueItems(for: resumed, at: due.addingTimeInterval(1))
        #expect(overdue.map(\.kind) == [.stage("preliminary_assessment")])
        #expect(deadlines.isOverdue(resumed, at: due.addingTimeInterval(1)))
        // Feedback falls due 90 days after the acknowledgement.
        #expect(
            deadlines.overdueItems(for: resumed, at: startedAt.addingTimeInterval(91 * deadlineTestDay)).map(\.kind)
                == [.stage("preliminary_assessment"), .feedback])
    }

    @Test func investigationClockPausesOnHoldAndStopsAtClose() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let engine = WorkflowEngine(workflow: workflow)
        let deadlines = CaseDeadlines(workflow: workflow)
        let (assessing, startedAt) = try assessed(engine)

        let openedAt = startedAt.addingTimeInterval(10 * deadlineTestDay)
        var investigating = try engine.decide(
            "open_investigation", on: assessing, by: deadlineTestLead,
            input: ["note": .text("credible")], at: openedAt
        ).snapshot
        #expect(investigating.state == "investigation")
        #expect(investigating.stageClock == nil)
        let clock = try deadlineTestItem(.clock("investigation"), in: deadlines.dueItems(for: investigating))
        #expect(clock.dueAt == openedAt.addingTimeInterval(180 * deadlineTestDay))
        #expect(!deadlines.dueItems(for: investigating).contains { if case .stage = $0.kind { true } else { false } })

        let held = try engine.decide(
            "put_on_hold", on: investigating, by: deadlineTestLead, input: ["reason": .text("leave")],
            at: openedAt.addingTimeInterval(10 * deadlineTestDay)
        ).snapshot
        let pausedClock = try deadlineTestItem(.clock("investigation"), in: deadlines.dueItems(for: held))
        #expect(pausedClock.isPaused)
        #expect(pausedClock.dueAt == nil)
        investigating = try engine.decide("resume", on: held, by: deadlineTestLead, at: openedAt.addingTimeInterval(20 * deadlineTestDay)).snapshot
        #expect(investigating.state == "investigation")
        #expect(
            try deadlineTestItem(.clock("investigation"), in: deadlines.dueItems(for: investigating)).dueAt
                == openedAt.addingTimeInterval(190 * deadlineTestDay))

        // Through due process to closing: the clock stops and nothing more is owed.
        investigating.assignee = deadlineTestInvestigator.id
        var now = openedAt.addingTimeInterval(30 * deadlineTestDay)
        var snapshot = try engine.decide("begin_evidence_collection", on: investigating, by: deadlineTestInvestigator, at: now).snapshot
        snapshot = try engine.decide(
            "record_subject_interview", on: snapshot, by: deadlineTestInvestigator,
            input: ["note": .text("interviewed")], at: now
        ).snapshot
        snapshot = try engine.decide("draft_findings", on: snapshot, by: deadlineTestInvestigator, at: now).snapshot
        let notifiedAt = now
        snapshot = try engine.decide(
            "notify_subject", on: snapshot, by: deadlineTestInvestigator, input: ["allegations_summary": .text("what is alleged")], at: notifiedAt
        ).snapshot
        #expect(
            try deadlineTestItem(.stage("subject_comments"), in: deadlines.dueItems(for: snapshot)).dueAt
                == notifiedAt.addingTimeInterval(10 * deadlineTestDay))
        #expect(
            throws: TransitionRefusal.guardFailed(.anyOf([.fieldSet("subject_response_at"), .daysSince(field: "subject_notified_at", days: 10)]))
        ) {
            try engine.decide(
                "issue_final_report", on: snapshot, by: deadlineTestInvestigator,
                at: notifiedAt.addingTimeInterval(9 * deadlineTestDay))
        }
        now = notifiedAt.addingTimeInterval(10 * deadlineTestDay)
        snapshot = try engine.decide("issue_final_report", on: snapshot, by: deadlineTestInvestigator, at: now).snapshot
        let closedAt = now.addingTimeInterval(deadlineTestDay)
        let closed = try engine.decide(
            "close_unsubstantiated", on: snapshot, by: deadlineTestHead,
            input: ["note": .text("not substantiated")], at: closedAt)
        #expect(closed.closed)
        #expect(closed.snapshot.outcome == "unsubstantiated")
        #expect(closed.snapshot.clocks["investigation"]?.stoppedAt == closedAt)
        #expect(closed.snapshot.clocks["investigation"]?.dueAt(.calendarDays) == nil)
        #expect(closed.snapshot.stageClock == nil)
        #expect(deadlines.dueItems(for: closed.snapshot).isEmpty)
        #expect(deadlines.isOverdue(closed.snapshot, at: closedAt.addingTimeInterval(1_000 * deadlineTestDay)) == false)
    }

    @Test func closingAtIntakeOwesNothing() throws {
        let workflow = try FixtureConfiguration.workflow(.investigation)
        let engine = WorkflowEngine(workflow: workflow)
        let (assessing, startedAt) = try assessed(engine)
        let closed = try engine.decide(
            "close_no_action", on: assessing, by: deadlineTestHead, input: ["note": .text("no case")],
            at: startedAt.addingTimeInterval(2 * deadlineTestDay)
        ).snapshot
        #expect(closed.state == "closed_no_action")
        #expect(CaseDeadlines(workflow: workflow).dueItems(for: closed).isEmpty)
    }

    @Test func businessDayStageOfARetaliationReview() throws {
        // ECO counts business days; a preliminary review begun Monday 30 November 2026 is due
        // 30 business days later, after Christmas and New Year's Day: Wednesday 13 January 2027.
        let configuration = try FixtureConfiguration.shipped()
        let workflow = try FixtureConfiguration.workflow(.retaliationReview)
        let eco = try #require(configuration.offices.office(FixtureOrg.code("ECO")))
        let begun = FixtureTime.at("2026-11-30", hour: 9)
        var snapshot = CaseSnapshot(workflow: workflow, filedBy: "staff-42", filedAt: begun.addingTimeInterval(-7 * deadlineTestDay))
        snapshot.state = "preliminary_review"
        snapshot.acknowledgedAt = snapshot.filedAt
        snapshot.stageClock = ClockState(limitDays: try #require(workflow.state("preliminary_review")?.deadlineDays), startedAt: begun)
        let items = CaseDeadlines(workflow: workflow, calendar: DeadlineCalendar(office: eco)).dueItems(for: snapshot)
        #expect(try deadlineTestItem(.stage("preliminary_review"), in: items).dueAt == FixtureTime.at("2027-01-13", hour: 9))
        // The reporter's feedback stays in calendar days.
        #expect(try deadlineTestItem(.feedback, in: items).dueAt == snapshot.filedAt.addingTimeInterval(90 * deadlineTestDay))
    }
}
