import Foundation
import Hummingbird
import OversightDomain

/// `GET /v1/intake/questionnaire`: the categories a reporter chooses from, each with the
/// questions it asks (Config/intake.yaml). Served without a login, to anonymous and named
/// filers alike. What an answer does (a higher priority, a case at another office) is the
/// service's business, not shown: the filer chooses what happened, never an office.
struct QuestionnaireRoutes: Sendable {
    typealias Context = OversightRequestContext
    let configuration: OversightConfiguration

    func register(on router: Router<Context>) {
        router.get("/v1/intake/questionnaire", use: questionnaire)
    }

    @Sendable func questionnaire(_ request: Request, context: Context) async throws -> QuestionnaireResponse {
        let asked = request.uri.queryParameters.get("category")
        var categories: [QuestionnaireResponse.Category] = []
        var seen: Set<String> = []
        for rule in configuration.routing.rules where seen.insert(rule.category).inserted && (asked == nil || asked == rule.category) {
            let questions = configuration.questionnaires[rule.category]?.questions ?? []
            categories.append(.init(category: rule.category, label: rule.label, questions: questions.map(QuestionnaireResponse.Question.init)))
        }
        if let asked, categories.isEmpty {
            throw Problem(.unknownCategory, detail: "no category \"\(asked)\"; leave out category= to list them all")
        }
        return QuestionnaireResponse(categories: categories)
    }
}

struct QuestionnaireResponse: ResponseEncodable, Sendable {
    struct Category: Encodable, Sendable {
        let category: String
        let label: String
        let questions: [Question]
    }

    struct Question: Encodable, Sendable {
        struct Condition: Encodable, Sendable {
            let question: String
            let answer: String
        }

        let id: String
        let text: String
        let type: String
        let choices: [String]?
        let required: Bool
        /// Ask it only once this earlier question got this answer ("yes"/"no" for a yes/no).
        let shownIf: Condition?

        init(_ question: IntakeQuestion) {
            id = question.id
            text = question.text
            type = question.type.rawValue
            choices = question.type == .choice ? question.choices : nil
            required = question.required
            shownIf = question.shownIf.map { Condition(question: $0.question, answer: $0.answer) }
        }
    }

    let categories: [Category]
}
