/// Reads `intake.yaml`: a questionnaire per category. Besides the shape of each question it
/// refuses what would confuse a reporter or an office: a category nobody routes, a condition on
/// an unknown or later question, a question no answer can reach, a rule on an answer that
/// cannot be given, a second case for an unknown category.
enum QuestionnaireReader {
    static let file = "intake.yaml"

    static func read(_ root: YAMLCursor, categories: Set<String>, log: inout ProblemLog) -> [String: Questionnaire] {
        _ = root.keys(allowed: ["questionnaires"], log: &log)
        var questionnaires: [String: Questionnaire] = [:]
        for cursor in root.sequence("questionnaires", log: &log) {
            _ = cursor.keys(allowed: ["category", "questions"], log: &log)
            guard let category = cursor.string("category", log: &log) else { continue }
            if !categories.contains(category) {
                log.add(file, cursor.path + ".category", "unknown category \"\(category)\" (routing.yaml routes no such category)")
            }
            if questionnaires[category] != nil {
                log.add(file, cursor.path + ".category", "a second questionnaire for \"\(category)\"")
                continue
            }
            var questions: [IntakeQuestion] = []
            for element in cursor.sequence("questions", log: &log) {
                guard let question = readQuestion(element, log: &log) else { continue }
                if questions.contains(where: { $0.id == question.id }) {
                    log.add(file, element.path + ".id", "a second question \"\(question.id)\"")
                    continue
                }
                questions.append(question)
            }
            check(questions, category: category, categories: categories, path: cursor.path, log: &log)
            questionnaires[category] = Questionnaire(category: category, questions: questions)
        }
        return questionnaires
    }

    private static func readQuestion(_ cursor: YAMLCursor, log: inout ProblemLog) -> IntakeQuestion? {
        _ = cursor.keys(allowed: ["id", "text", "type", "choices", "required", "shown_if", "raises_priority", "adds_case"], log: &log)
        let id = cursor.string("id", log: &log)
        if let id, !id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) || !(id.first?.isLetter ?? false) {
            log.add(file, cursor.path + ".id", "\"\(id)\" is not an identifier (lower-case letters, digits, _)")
        }
        let text = cursor.string("text", log: &log)
        let type = enumValue(cursor, "type", IntakeQuestion.AnswerType.self, log: &log)
        let choices = cursor.strings("choices", log: &log, required: false)
        if type == .choice, choices.count < 2 { log.add(file, cursor.path + ".choices", "a choice needs at least two choices") }
        if let type, type != .choice, cursor.has("choices") { log.add(file, cursor.path + ".choices", "only a choice has choices") }
        if Set(choices).count != choices.count { log.add(file, cursor.path + ".choices", "a choice is listed twice") }
        let required = cursor.bool("required", log: &log, default: false)
        var shownIf: IntakeCondition?
        if let condition = cursor.child("shown_if") {
            _ = condition.keys(allowed: ["question", "answer"], log: &log)
            if let question = condition.string("question", log: &log), let answer = condition.string("answer", log: &log) {
                shownIf = IntakeCondition(question: question, answer: answer)
            }
        }
        var raise: PriorityRaise?
        if let rule = cursor.child("raises_priority") {
            _ = rule.keys(allowed: ["when", "to"], log: &log)
            if let answer = rule.string("when", log: &log), let priority = enumValue(rule, "to", Priority.self, log: &log) {
                raise = PriorityRaise(answer: answer, priority: priority)
            }
        }
        var addsCase: AddedCase?
        if let rule = cursor.child("adds_case") {
            _ = rule.keys(allowed: ["when", "category", "carries"], log: &log)
            if let answer = rule.string("when", log: &log), let category = rule.string("category", log: &log) {
                addsCase = AddedCase(answer: answer, category: category, carries: rule.strings("carries", log: &log))
            }
        }
        guard let id, let text, let type else { return nil }
        return IntakeQuestion(
            id: id, text: text, type: type, choices: type == .choice ? choices : [], required: required, shownIf: shownIf,
            raisesPriority: raise, addsCase: addsCase)
    }

    /// What only the questions together can tell: conditions point back to a question that can
    /// give the answer, rules match answers that exist, a second case goes somewhere else.
    private static func check(
        _ questions: [IntakeQuestion], category: String, categories: Set<String>, path: String, log: inout ProblemLog
    ) {
        var reachable: Set<String> = []
        for (index, question) in questions.enumerated() {
            let at = "\(path).questions[\(index)]"
            var isReachable = true
            if let condition = question.shownIf {
                if let position = questions.firstIndex(where: { $0.id == condition.question }) {
                    let asked = questions[position]
                    if position >= index {
                        log.add(file, at + ".shown_if.question", "\"\(condition.question)\" is not asked before \"\(question.id)\"")
                        isReachable = false
                    } else if !reachable.contains(asked.id) {
                        log.add(file, at, "unreachable: \"\(asked.id)\", which it depends on, is never asked")
                        isReachable = false
                    } else if let answers = asked.matchableAnswers, !answers.contains(condition.answer) {
                        log.add(
                            file, at + ".shown_if.answer",
                            "unreachable: \"\(asked.id)\" never has the answer \"\(condition.answer)\" (it takes \(answers.joined(separator: ", ")))")
                        isReachable = false
                    } else if asked.matchableAnswers == nil {
                        log.add(file, at + ".shown_if.question", "unreachable: a \(asked.type.rawValue) answer is never matched")
                        isReachable = false
                    }
                } else {
                    log.add(file, at + ".shown_if.question", "condition on an unknown question \"\(condition.question)\"")
                    isReachable = false
                }
            }
            if isReachable { reachable.insert(question.id) }
            for (key, answer) in [("raises_priority", question.raisesPriority?.answer), ("adds_case", question.addsCase?.answer)] {
                guard let answer else { continue }
                guard let answers = question.matchableAnswers else {
                    log.add(file, "\(at).\(key).when", "a \(question.type.rawValue) answer is never matched")
                    continue
                }
                if !answers.contains(answer) {
                    log.add(
                        file, "\(at).\(key).when",
                        "\"\(question.id)\" never has the answer \"\(answer)\" (it takes \(answers.joined(separator: ", ")))")
                }
            }
            if let addsCase = question.addsCase {
                if addsCase.category == category {
                    log.add(file, at + ".adds_case.category", "the second case must be for another category than \"\(category)\"")
                } else if !categories.contains(addsCase.category) {
                    log.add(file, at + ".adds_case.category", "unknown category \"\(addsCase.category)\"")
                }
                for (carriedIndex, carried) in addsCase.carries.enumerated() where !questions.contains(where: { $0.id == carried }) {
                    log.add(file, "\(at).adds_case.carries[\(carriedIndex)]", "unknown question \"\(carried)\"")
                }
            }
        }
    }
}
