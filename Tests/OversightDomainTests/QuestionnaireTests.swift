import Foundation
import OversightDomain
import Testing

/// The intake questionnaire (issue 12): `config check` refuses one that would confuse a reporter
/// or an office, and a filing's answers are checked question by question.
struct QuestionnaireTests {
    static func problems(intake: String) throws -> [String] {
        var files = try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
        files.files["intake.yaml"] = intake
        do {
            _ = try OversightConfiguration.load(files)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func theShippedQuestionnairesLoad() {
        #expect(shippedConfiguration.questionnaires.keys.sorted() == ["harassment", "retaliation", "threat_to_safety"])
        #expect(shippedConfiguration.questionnaires["retaliation"]?.questions.first?.id == "protected_activity")
    }

    @Test func configCheckRefusesAnUnknownCategoryAConditionOnAnUnknownQuestionAndAnUnreachableQuestion() throws {
        let found = try Self.problems(
            intake: """
                questionnaires:
                  - category: no_such_category
                    questions:
                      - { id: a, text: A?, type: text }
                  - category: fraud
                    questions:
                      - { id: amount, text: How much?, type: text }
                      - { id: paid, text: Was it paid?, type: yes_no }
                      - { id: when, text: When?, type: date, shown_if: { question: nowhere, answer: "yes" } }
                      - { id: who, text: Who?, type: text, shown_if: { question: paid, answer: maybe } }
                      - { id: whom, text: To whom?, type: text, shown_if: { question: who, answer: "yes" } }
                      - { id: early, text: Early?, type: yes_no, shown_if: { question: late, answer: "yes" } }
                      - { id: late, text: Late?, type: yes_no, adds_case: { when: "yes", category: nothing, carries: [gone] } }
                      - { id: kind, text: Kind?, type: choice, choices: [one], raises_priority: { when: two, to: high } }
                """)
        let expected = [
            "intake.yaml: questionnaires[0].category: unknown category \"no_such_category\" (routing.yaml routes no such category)",
            "intake.yaml: questionnaires[1].questions[2].shown_if.question: condition on an unknown question \"nowhere\"",
            "intake.yaml: questionnaires[1].questions[3].shown_if.answer: unreachable: \"paid\" never has the answer \"maybe\" (it takes yes, no)",
            "intake.yaml: questionnaires[1].questions[4]: unreachable: \"who\", which it depends on, is never asked",
            "intake.yaml: questionnaires[1].questions[5].shown_if.question: \"late\" is not asked before \"early\"",
            "intake.yaml: questionnaires[1].questions[6].adds_case.category: unknown category \"nothing\"",
            "intake.yaml: questionnaires[1].questions[6].adds_case.carries[0]: unknown question \"gone\"",
            "intake.yaml: questionnaires[1].questions[7].choices: a choice needs at least two choices",
            "intake.yaml: questionnaires[1].questions[7].raises_priority.when: \"kind\" never has the answer \"two\" (it takes one)",
        ]
        for message in expected { #expect(found.contains(message), "\(message)\n  in \(found)") }
        #expect(found.count == expected.count, "\(found)")
    }

    @Test func aConditionOnATextAnswerIsUnreachable() throws {
        let found = try Self.problems(
            intake: """
                questionnaires:
                  - category: fraud
                    questions:
                      - { id: amount, text: How much?, type: text }
                      - { id: more, text: More?, type: text, shown_if: { question: amount, answer: "100" } }
                """)
        #expect(found == ["intake.yaml: questionnaires[0].questions[1].shown_if.question: unreachable: a text answer is never matched"])
    }

    static var retaliation: Questionnaire { shippedConfiguration.questionnaires["retaliation"]! }

    @Test func answersOfTheWrongTypeForAHiddenQuestionOrMissingARequiredOneAreRefused() {
        let base: [String: IntakeAnswerInput] = [
            "protected_activity": .text("reported_misconduct"), "still_happening": .flag(false), "includes_misconduct": .flag(false),
        ]
        func refusal(_ change: (inout [String: IntakeAnswerInput]) -> Void) -> IntakeAnswerProblem? {
            var answers = base
            change(&answers)
            do {
                _ = try Self.retaliation.check(answers)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal { _ in } == nil)
        #expect(refusal { $0["still_happening"] = .text("yes") } == .wrongType("still_happening", expected: .yesNo))
        #expect(refusal { $0["reported_on"] = .text("last spring") } == .wrongType("reported_on", expected: .date))
        #expect(refusal { $0["reported_on"] = .flag(true) } == .wrongType("reported_on", expected: .date))
        #expect(
            refusal { $0["protected_activity"] = .text("gossip") }
                == .notAChoice("protected_activity", choices: Self.retaliation.questions[0].choices))
        #expect(refusal { $0["misconduct_description"] = .text("The director took bribes.") } == .hiddenQuestion("misconduct_description"))
        #expect(refusal { $0["still_happening"] = nil } == .missingAnswer("still_happening"))
        #expect(refusal { $0["includes_misconduct"] = .flag(true) } == .missingAnswer("misconduct_description"))
        #expect(refusal { $0["favourite_colour"] = .text("blue") } == .unknownQuestion("favourite_colour"))
        #expect(refusal { $0["misconduct_description"] = .text("   ") } == .hiddenQuestion("misconduct_description"))
    }

    @Test func answersRaiseThePriorityAndSplitOffWhatASecondOfficeNeeds() throws {
        let checked = try Self.retaliation.check([
            "protected_activity": .text("reported_misconduct"), "reported_on": .text("2026-03-02"), "still_happening": .flag(true),
            "includes_misconduct": .flag(true), "misconduct_description": .text("The director took bribes."),
            "misconduct_when": .text("2026-02-10"),
        ])
        #expect(checked.priorityFloor == .high)
        #expect(checked.answers.map(\.question) == ["protected_activity", "reported_on", "still_happening", "includes_misconduct"])
        #expect(checked.answers[2].answer == "yes")
        #expect(checked.addedCases.count == 1)
        #expect(checked.addedCases.first?.category == "abuse_of_authority")
        #expect(checked.addedCases.first?.answers.map(\.answer) == ["The director took bribes.", "2026-02-10"])
        // Nothing raised, nothing split off.
        let quiet = try Self.retaliation.check([
            "protected_activity": .text("other"), "still_happening": .flag(false), "includes_misconduct": .flag(false),
        ])
        #expect(quiet.priorityFloor == nil)
        #expect(quiet.addedCases.isEmpty)
    }
}
