import Foundation

/// The questions a reporter answers when filing in one category (`Config/intake.yaml`), in the
/// order they are asked. A question may be shown only after an earlier answer, may raise the
/// case's priority, and may open a case at a second office (a retaliation request that also
/// describes the misconduct first reported).
public struct Questionnaire: Sendable, Hashable {
    public let category: String
    public let questions: [IntakeQuestion]

    public init(category: String, questions: [IntakeQuestion]) {
        self.category = category
        self.questions = questions
    }

    public func question(_ id: String) -> IntakeQuestion? { questions.first { $0.id == id } }
}

public struct IntakeQuestion: Sendable, Hashable {
    public enum AnswerType: String, Sendable, CaseIterable {
        case text, choice, date
        case yesNo = "yes_no"
    }

    public let id: String
    public let text: String
    public let type: AnswerType
    /// The answers a choice offers; empty for other types.
    public let choices: [String]
    public let required: Bool
    public let shownIf: IntakeCondition?
    public let raisesPriority: PriorityRaise?
    public let addsCase: AddedCase?

    public init(
        id: String, text: String, type: AnswerType, choices: [String] = [], required: Bool = false, shownIf: IntakeCondition? = nil,
        raisesPriority: PriorityRaise? = nil, addsCase: AddedCase? = nil
    ) {
        self.id = id
        self.text = text
        self.type = type
        self.choices = choices
        self.required = required
        self.shownIf = shownIf
        self.raisesPriority = raisesPriority
        self.addsCase = addsCase
    }

    /// Every answer a condition or rule can match: a choice's choices, yes and no; nil for a
    /// text or a date, which no rule matches.
    public var matchableAnswers: [String]? {
        switch type {
        case .choice: choices
        case .yesNo: ["yes", "no"]
        case .text, .date: nil
        }
    }
}

/// Shown only when an earlier question was shown and got this answer.
public struct IntakeCondition: Sendable, Hashable {
    public let question: String
    public let answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// This answer makes the case at least this urgent.
public struct PriorityRaise: Sendable, Hashable {
    public let answer: String
    public let priority: Priority

    public init(answer: String, priority: Priority) {
        self.answer = answer
        self.priority = priority
    }
}

/// This answer opens a second case, routed as a filing in `category` would be, holding only the
/// answers it `carries` (which the first case then does not hold).
public struct AddedCase: Sendable, Hashable {
    public let answer: String
    public let category: String
    public let carries: [String]

    public init(answer: String, category: String, carries: [String]) {
        self.answer = answer
        self.category = category
        self.carries = carries
    }
}

/// An answer as the filer sent it: JSON text or true/false.
public enum IntakeAnswerInput: Sendable, Hashable, Codable {
    case text(String)
    case flag(Bool)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .flag(let flag): try container.encode(flag)
        }
    }
}

/// One answer as a case keeps it: the question as it was asked, and the answer as text
/// ("yes"/"no" for a yes/no question, YYYY-MM-DD for a date).
public struct RecordedAnswer: Sendable, Hashable, Codable {
    public let question: String
    public let text: String
    public let answer: String

    public init(question: String, text: String, answer: String) {
        self.question = question
        self.text = text
        self.answer = answer
    }
}

/// What a filing's answers decide: what the case keeps, how urgent it is at least, and which
/// further cases it opens with what.
public struct CheckedAnswers: Sendable, Hashable {
    public var answers: [RecordedAnswer] = []
    public var priorityFloor: Priority?
    public var addedCases: [AddedFiling] = []

    public init() {}
}

/// A further case one filing opens: the category it is routed as, and the answers it holds.
public struct AddedFiling: Sendable, Hashable {
    public let category: String
    public let answers: [RecordedAnswer]
}

/// Why a filing's answers were refused, naming the question.
public enum IntakeAnswerProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownQuestion(String)
    case hiddenQuestion(String)
    case missingAnswer(String)
    case wrongType(String, expected: IntakeQuestion.AnswerType)
    case notAChoice(String, choices: [String])

    public var description: String {
        switch self {
        case .unknownQuestion(let id): "\"\(id)\" is not a question of this category's questionnaire"
        case .hiddenQuestion(let id): "\"\(id)\" is not asked after the answers given (its condition is not met)"
        case .missingAnswer(let id): "\"\(id)\" must be answered"
        case .wrongType(let id, .yesNo): "\"\(id)\" takes true or false"
        case .wrongType(let id, .date): "\"\(id)\" takes a date, YYYY-MM-DD"
        case .wrongType(let id, let type): "\"\(id)\" takes a \(type.rawValue) as text"
        case .notAChoice(let id, let choices): "\"\(id)\" takes one of: \(choices.joined(separator: ", "))"
        }
    }
}

extension Questionnaire {
    /// Checks a filing's answers against the questions, in order: each answer of the right
    /// type, none to a question its condition hides, every shown required one present.
    public func check(_ given: [String: IntakeAnswerInput]) throws(IntakeAnswerProblem) -> CheckedAnswers {
        if let stray = given.keys.sorted().first(where: { question($0) == nil }) { throw .unknownQuestion(stray) }
        var matchable: [String: String] = [:]
        var recorded: [String: RecordedAnswer] = [:]
        var checked = CheckedAnswers()
        var carried: Set<String> = []
        var added: [(category: String, carries: [String])] = []
        for question in questions {
            let shown = question.shownIf.map { matchable[$0.question] == $0.answer } ?? true
            guard let input = given[question.id] else {
                if shown && question.required { throw .missingAnswer(question.id) }
                continue
            }
            guard shown else { throw .hiddenQuestion(question.id) }
            let answer = try Self.answer(input, to: question)
            recorded[question.id] = RecordedAnswer(question: question.id, text: question.text, answer: answer)
            if question.matchableAnswers != nil { matchable[question.id] = answer }
            if let raise = question.raisesPriority, raise.answer == answer, checked.priorityFloor.map({ raise.priority < $0 }) ?? true {
                checked.priorityFloor = raise.priority
            }
            if let addsCase = question.addsCase, addsCase.answer == answer {
                added.append((addsCase.category, addsCase.carries))
                carried.formUnion(addsCase.carries)
            }
        }
        checked.answers = questions.compactMap { recorded[$0.id] }.filter { !carried.contains($0.question) }
        checked.addedCases = added.map { AddedFiling(category: $0.category, answers: $0.carries.compactMap { recorded[$0] }) }
        return checked
    }

    private static func answer(_ input: IntakeAnswerInput, to question: IntakeQuestion) throws(IntakeAnswerProblem) -> String {
        switch (question.type, input) {
        case (.yesNo, .flag(let flag)):
            return flag ? "yes" : "no"
        case (.text, .text(let text)) where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            return text
        case (.date, .text(let text)) where CalendarDay(text) != nil:
            return text
        case (.choice, .text(let text)):
            guard question.choices.contains(text) else { throw .notAChoice(question.id, choices: question.choices) }
            return text
        default:
            throw .wrongType(question.id, expected: question.type)
        }
    }
}
