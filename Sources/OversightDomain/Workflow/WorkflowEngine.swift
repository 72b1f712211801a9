import Foundation

/// Decides transitions: given a case, an actor, a transition and its input, either the new
/// case and what follows, or a refusal that says why. Pure: the store applies the decision.
public struct WorkflowEngine: Sendable {
    public let workflow: WorkflowDefinition
    public let calendar: DeadlineCalendar

    public init(workflow: WorkflowDefinition, calendar: DeadlineCalendar = .calendarDays) {
        self.workflow = workflow
        self.calendar = calendar
    }

    /// Checks, in order: the transition exists, the actor is not recused (nor kept out of a
    /// case restricted to the head), the case is in a
    /// source state, the actor holds an allowed role, required fields are present, guards hold.
    public func decide(
        _ name: String, on snapshot: CaseSnapshot, by actor: Actor, input: [String: FieldValue] = [:], at now: Date
    ) throws(TransitionRefusal) -> TransitionDecision {
        guard let transition = workflow.transition(name) else { throw .unknownTransition(name) }
        if snapshot.isRecused(actor.id) || actor.memberships.contains(where: { snapshot.sealedFrom.contains($0.office) }) {
            throw .recused
        }
        if snapshot.restrictedToHead, snapshot.assignee != actor.id, !actor.roles(in: snapshot.office).contains(.head) {
            throw .restrictedToHead
        }
        guard transition.from.contains(snapshot.state), let source = workflow.state(snapshot.state) else {
            throw .wrongState(transition: name, state: snapshot.state)
        }
        guard mayTake(transition, actor: actor, snapshot: snapshot) else {
            throw .roleNotAllowed(transition: name, allowed: transition.roles)
        }
        for field in transition.requires where !(input[field]?.isPresent ?? false) {
            throw .missingField(field)
        }
        for (field, allowed) in transition.choices.sorted(by: { $0.key < $1.key }) {
            guard let value = input[field] else { continue }
            guard case .text(let text) = value, allowed.contains(text) else { throw .invalidChoice(field: field, allowed: allowed) }
        }
        var fields = snapshot.fields
        fields.merge(input) { _, new in new }
        for condition in transition.guards where !holds(condition, snapshot: snapshot, fields: fields, actor: actor, now: now) {
            throw .guardFailed(condition)
        }

        let targetName: String
        switch transition.to {
        case .state(let name): targetName = name
        case .previous:
            guard let previous = snapshot.pausedFrom, workflow.state(previous) != nil else {
                throw .wrongState(transition: name, state: snapshot.state)
            }
            targetName = previous
        }
        let target = workflow.state(targetName)!
        var next = snapshot
        next.fields = fields
        next.state = target.name
        next.visitedStates.insert(target.name)
        applyClocks(from: source, to: target, returning: transition.to == .previous, next: &next, now: now)

        var followUps: [Effect] = []
        for effect in transition.effects {
            switch effect {
            case .startClock(let clock):
                if let definition = workflow.clock(clock) {
                    next.clocks[clock] = ClockState(limitDays: definition.days, startedAt: now)
                }
            case .stopClock(let clock):
                next.clocks[clock]?.stop(at: now)
            case .stamp(let field):
                next.fields[field] = .date(now)
            case .notify(let recipient):
                if recipient == .reporter {
                    if next.acknowledgedAt == nil { next.acknowledgedAt = now }
                    next.lastReporterUpdateAt = now
                }
                followUps.append(effect)
            case .redactIdentifyingDetails:
                // What survives an ombuds case: its IOA category and visitor type, for statistics.
                next.fields = next.fields.filter { ["ioa_category", "visitor_type"].contains($0.key) }
                followUps.append(effect)
            case .openLinkedCase:
                followUps.append(effect)
            case .refer(let referral):
                // The office named in the input; anyone else (national authorities, HR) opens nothing.
                guard case .text(let named) = fields[referral.field] ?? .text(""),
                    let office = OfficeCode(named.trimmingCharacters(in: .whitespaces).uppercased()),
                    let kind = referral.targets[office]
                else { continue }
                if let consent = referral.consent[office], fields[consent] != .flag(true) {
                    throw .guardFailed(.fieldTrue(consent))
                }
                followUps.append(.openLinkedCase(kind: kind, office: office))
            }
        }

        if target.kind == .terminal {
            next.outcome = target.outcome
            next.stageClock = nil
            for clock in next.clocks.keys { next.clocks[clock]?.stop(at: now) }
        } else if source.kind == .terminal {
            next.outcome = nil
        }
        return TransitionDecision(
            transition: name, from: source.name, to: target.name, actorID: actor.id, at: now, input: input,
            snapshot: next, effects: followUps, closed: target.kind == .terminal, reopened: transition.reopen)
    }

    /// The transitions `actor` could take on the case now (for clients to offer).
    public func available(on snapshot: CaseSnapshot, to actor: Actor) -> [TransitionDefinition] {
        workflow.transitions(from: snapshot.state).filter { mayTake($0, actor: actor, snapshot: snapshot) }
    }

    func mayTake(_ transition: TransitionDefinition, actor: Actor, snapshot: CaseSnapshot) -> Bool {
        let roles = actor.roles(in: snapshot.office)
        for allowed in transition.roles {
            switch allowed {
            case .officer: if roles.contains(.officer) { return true }
            case .lead: if roles.contains(.lead) { return true }
            case .head: if roles.contains(.head) { return true }
            case .assignee:
                if snapshot.assignee == actor.id, actor.caseRole(in: snapshot.office) != nil { return true }
            case .owner:
                if let owner = snapshot.owner, owner.personID == actor.id { return true }
            case .ownerHead:
                if let owner = snapshot.owner, actor.roles(in: owner.office).contains(.head) { return true }
            }
        }
        return false
    }

    func holds(_ condition: Guard, snapshot: CaseSnapshot, fields: [String: FieldValue], actor: Actor, now: Date) -> Bool {
        switch condition {
        case .approverNotAssignee:
            // Not the assignee now, nor at any time before: reassigning the case away must not
            // let its investigator approve their own work.
            return snapshot.assignee != actor.id && !snapshot.formerAssignees.contains(actor.id)
        case .assigned:
            return snapshot.assignee != nil
        case .visited(let state):
            return snapshot.visitedStates.contains(state)
        case .fieldTrue(let field):
            return fields[field] == .flag(true)
        case .fieldSet(let field):
            return fields[field]?.isPresent ?? false
        case .daysSince(let field, let days):
            guard case .date(let date) = fields[field] else { return false }
            return now.timeIntervalSince(date) >= Double(days) * 86_400
        case .noOpenRecommendations:
            return snapshot.openRecommendations == 0
        case .anyOf(let guards):
            return guards.contains { holds($0, snapshot: snapshot, fields: fields, actor: actor, now: now) }
        }
    }

    /// Pausing pauses every clock; leaving a pause resumes them; entering a new state starts
    /// its stage clock (returning from a pause keeps the one that was running).
    private func applyClocks(from source: StateDefinition, to target: StateDefinition, returning: Bool, next: inout CaseSnapshot, now: Date) {
        if target.kind == .paused {
            if source.kind != .paused {
                next.pausedFrom = source.name
                next.stageClock?.pause(at: now)
                for clock in next.clocks.keys { next.clocks[clock]?.pause(at: now) }
            }
            return
        }
        if source.kind == .paused {
            next.pausedFrom = nil
            next.stageClock?.resume(at: now)
            for clock in next.clocks.keys { next.clocks[clock]?.resume(at: now) }
            if returning { return }
        }
        next.stageClock = target.deadlineDays.map { ClockState(limitDays: $0, startedAt: now) }
    }
}
