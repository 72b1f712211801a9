import OversightDomain

/// Answers to the shipped questionnaires (Config/intake.yaml) that change nothing: the required
/// questions answered, no priority raised, no second case. For tests about something else.
enum PlainAnswers {
    static let byCategory: [String: [String: IntakeAnswerInput]] = [
        "retaliation": ["protected_activity": .text("reported_misconduct"), "still_happening": .flag(false), "includes_misconduct": .flag(false)],
        "harassment": ["relationship": .text("colleague"), "ongoing": .flag(false)],
        "threat_to_safety": ["immediate_danger": .flag(false)],
    ]

    static func answers(_ category: String) -> [String: IntakeAnswerInput] { byCategory[category] ?? [:] }

    /// The same as a JSON request body's `answers`.
    static func json(_ category: String) -> [String: Any] {
        answers(category).mapValues { answer -> Any in
            switch answer {
            case .text(let text): text
            case .flag(let flag): flag
            }
        }
    }
}
