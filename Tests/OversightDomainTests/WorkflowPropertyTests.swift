import Foundation
import OversightDomain
import Testing

/// Random sequences of attempted transitions by random actors, from a fixed seed per
/// workflow: whatever is tried, a case never reaches an undefined state, never leaves a
/// terminal state except by a head's reopen, and every closed case has an outcome.
struct WorkflowPropertyTests {
    static let sequences = 300
    static let steps = 40

    @Test(arguments: shippedWorkflowKinds)
    func randomAttemptsKeepTheInvariants(_ kind: String) throws {
        let workflow = try #require(shippedConfiguration.workflow(CaseKind(kind)))
        let engine = WorkflowEngine(workflow: workflow)
        let cast = WorkflowCast(office: workflow.office)
        var random = SeededGenerator(seed: UInt64(truncatingIfNeeded: kind.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }))
        let actors = [
            cast.assignee, cast.otherOfficer, cast.lead, cast.head, cast.owner, cast.ownerHead,
            cast.person("dg", .executive), cast.person("admin", .admin), cast.person("staff", .staff),
            cast.person("reporter-1", .head), cast.person("subject-1", .lead),
        ]
        let names = workflow.transitions.map(\.name) + ["teleport"]
        var successes = 0
        var closures = 0

        for _ in 0..<Self.sequences {
            var snapshot = workflow.newCase(cast: cast)
            var now = epoch
            for _ in 0..<Self.steps {
                now = now.addingTimeInterval(Double(Int.random(in: 0...20, using: &random)) * day)
                // Mostly transitions that leave the current state, so sequences get somewhere;
                // sometimes any name at all, so wrong-state attempts are exercised too.
                let fromHere = workflow.transitions(from: snapshot.state).map(\.name)
                let name = (Int.random(in: 0..<4, using: &random) > 0 && !fromHere.isEmpty ? fromHere : names).randomElement(using: &random)!
                let actor = actors.randomElement(using: &random)!
                var input: [String: FieldValue] = [:]
                if let transition = workflow.transition(name), Bool.random(using: &random) {
                    var scratch = snapshot
                    input = workflow.satisfying(transition, on: &scratch, at: now)
                }
                if Int.random(in: 0..<4, using: &random) == 0 { snapshot.assignee = [nil, cast.assigneeID].randomElement(using: &random)! }
                let before = try #require(workflow.state(snapshot.state))
                let decision: TransitionDecision
                do {
                    decision = try engine.decide(name, on: snapshot, by: actor, input: input, at: now)
                } catch {
                    continue
                }
                successes += 1
                let after = try #require(workflow.state(decision.snapshot.state), "undefined state \(decision.snapshot.state)")
                if before.kind == .terminal {
                    #expect(decision.reopened, "\(kind): left terminal \(before.name) by \(name)")
                    #expect(actor.roles(in: snapshot.office) == [.head])
                }
                if after.kind == .terminal {
                    closures += 1
                    #expect(decision.snapshot.outcome != nil, "\(kind): closed in \(after.name) without an outcome")
                    #expect(decision.closed)
                } else {
                    #expect(decision.snapshot.outcome == nil)
                }
                #expect(!["reporter-1", "subject-1"].contains(actor.id), "a party took \(name)")
                snapshot = decision.snapshot
            }
        }
        // The generator must actually exercise the workflow, not just collect refusals.
        #expect(successes > Self.sequences)
        #expect(closures > 0)
    }
}
