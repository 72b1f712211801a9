import Foundation
import OversightDomain

/// People who act on cases in the workflow tests, each holding one role in the case's office.
struct WorkflowCast {
    let office: OfficeCode
    let assigneeID = "officer-assigned"

    func person(_ id: String, _ role: Role, in office: OfficeCode? = nil) -> Actor {
        Actor(id: id, memberships: [OfficeMembership(office: office ?? self.office, role: role)])
    }

    var assignee: Actor { person(assigneeID, .officer) }
    var otherOfficer: Actor { person("officer-other", .officer) }
    var lead: Actor { person("lead-1", .lead) }
    var head: Actor { person("head-1", .head) }
    /// A recommendation's owner and their head, in a management office.
    static let ownerOffice = OfficeCode("PRC")!
    var owner: Actor { person("owner-1", .staff, in: Self.ownerOffice) }
    var ownerHead: Actor { person("owner-head-1", .head, in: Self.ownerOffice) }

    /// Someone allowed to take `transition` who is not the assignee where possible (so that
    /// separation of duties holds), else the assignee.
    func actor(for transition: TransitionDefinition) -> Actor {
        if transition.roles.contains(.ownerHead) { return ownerHead }
        if transition.roles.contains(.owner) { return owner }
        if transition.roles.contains(.head) { return head }
        if transition.roles.contains(.lead) { return lead }
        if transition.roles.contains(.officer) { return otherOfficer }
        return assignee
    }
}

let day: TimeInterval = 86_400
let epoch = Date(timeIntervalSince1970: 1_790_000_000)

extension WorkflowDefinition {
    /// A fresh case, assigned, filed at `epoch`.
    func newCase(cast: WorkflowCast) -> CaseSnapshot {
        var snapshot = CaseSnapshot(
            workflow: self, filedBy: "reporter-1", filedAt: epoch,
            parties: [
                CaseParty(personID: "subject-1", role: .subject),
                CaseParty(personID: "witness-1", role: .witness),
            ])
        snapshot.assignee = cast.assigneeID
        // Every case names an owner: only recommendations' transitions ask for one.
        snapshot.owner = RecommendationOwner(office: WorkflowCast.ownerOffice, personID: "owner-1")
        return snapshot
    }

    /// Input and case preparation that satisfy every required field and guard of `transition`.
    func satisfying(_ transition: TransitionDefinition, on snapshot: inout CaseSnapshot, at now: Date) -> [String: FieldValue] {
        var input: [String: FieldValue] = [:]
        for field in transition.requires { input[field] = .text(transition.choices[field]?.first ?? "recorded \(field)") }
        for condition in transition.guards {
            switch condition {
            case .fieldTrue(let field): input[field] = .flag(true)
            case .fieldSet(let field):
                if !(snapshot.fields[field]?.isPresent ?? false) { snapshot.fields[field] = .date(now.addingTimeInterval(-400 * day)) }
            case .daysSince(let field, _):
                if case .date = snapshot.fields[field] {} else { snapshot.fields[field] = .date(now.addingTimeInterval(-400 * day)) }
            case .visited(let state): snapshot.visitedStates.insert(state)
            case .noOpenRecommendations: snapshot.openRecommendations = 0
            case .anyOf(let guards):
                // The last alternative (a period that has passed) is the one a test can always meet.
                if case .daysSince(let field, _) = guards.last {
                    if case .date = snapshot.fields[field] {} else { snapshot.fields[field] = .date(now.addingTimeInterval(-400 * day)) }
                }
            case .assigned, .approverNotAssignee: break
            }
        }
        return input
    }

    /// Shortest path of (non-reopen) transitions from the initial state to `target`, ignoring
    /// returns from pauses.
    func path(to target: String) -> [TransitionDefinition]? {
        var previous: [String: (String, TransitionDefinition)] = [:]
        var queue = [initialState.name]
        var seen: Set<String> = [initialState.name]
        while !queue.isEmpty {
            let state = queue.removeFirst()
            if state == target { break }
            for transition in transitions(from: state) where !transition.reopen {
                guard case .state(let next) = transition.to, !seen.contains(next) else { continue }
                seen.insert(next)
                previous[next] = (state, transition)
                queue.append(next)
            }
        }
        guard seen.contains(target) else { return nil }
        var steps: [TransitionDefinition] = []
        var state = target
        while let (before, transition) = previous[state] {
            steps.insert(transition, at: 0)
            state = before
        }
        return steps
    }
}

/// A small seedable generator (SplitMix64) so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
