import Foundation
import HTTPTypes
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The intake questionnaire and one report to several offices (issue 12): the questions are
/// served without a login, answers are checked before anything is stored, and answers that
/// call for it open a case at a second office, linked both ways, each office holding and
/// seeing only its own part, the reporter reaching both with one receipt.
@Suite(.temporaryPostgres)
struct IntakeQuestionnaireTests {
    struct Questionnaire: Decodable {
        struct Category: Decodable {
            struct Question: Decodable {
                struct Condition: Decodable {
                    let question: String
                    let answer: String
                }
                let id: String
                let type: String
                let required: Bool
                let shownIf: Condition?
            }
            let category: String
            let label: String
            let questions: [Question]
        }
        let categories: [Category]
    }

    struct Filed: Decodable {
        let reference: String
        let receipt: String?
        let alsoOpened: [String]?
    }

    struct Answered: Decodable {
        struct Answer: Decodable {
            let question: String
            let answer: String
        }
        let priority: String?
        let office: String?
        let narrative: String?
        let answers: [Answer]?
        let links: [APIBody.Case.Link]?
    }

    static func retaliation(misconduct: Bool) -> [String: Any] {
        var answers: [String: Any] = [
            "protected_activity": "reported_misconduct", "reported_on": "2026-03-02", "still_happening": true,
            "includes_misconduct": misconduct,
        ]
        if misconduct {
            answers["misconduct_description"] = "The country director approved contracts for a relative's firm."
            answers["misconduct_when"] = "2026-02-10"
        }
        return [
            "category": "retaliation", "title": "Moved off my team after I reported", "narrative": "Since March I have been excluded.",
            "region": "Europe", "answers": answers,
        ]
    }

    @Test func theQuestionsAreServedWithoutALoginAndWithoutWhatAnswersDo() async throws {
        try await CaseAPIHarness.run { api in
            let reply = try await api.call(.get, "/v1/intake/questionnaire", token: nil)
            #expect(reply.status == .ok)
            #expect(reply.headers[HTTPField.Name("X-Request-ID")!] == nil)
            let served = try APIBody.decoder.decode(Questionnaire.self, from: reply.body)
            #expect(served.categories.first?.category == "fraud")
            #expect(served.categories.contains { $0.category == "fraud" && $0.questions.isEmpty && $0.label == "Fraud" })
            let retaliation = try #require(served.categories.first { $0.category == "retaliation" })
            #expect(retaliation.questions.map(\.id).prefix(2) == ["protected_activity", "reported_on"])
            let description = try #require(retaliation.questions.first { $0.id == "misconduct_description" })
            #expect(description.shownIf?.question == "includes_misconduct" && description.shownIf?.answer == "yes")
            #expect(description.required)
            // Which answers raise the priority or reach another office is not the filer's to see.
            let text = String(decoding: reply.body, as: UTF8.self)
            for rule in ["adds_case", "carries", "raises_priority", "\"to\""] { #expect(!text.contains(rule)) }

            let one = try await api.call(.get, "/v1/intake/questionnaire?category=harassment", token: nil)
            #expect(try APIBody.decoder.decode(Questionnaire.self, from: one.body).categories.map(\.category) == ["harassment"])
            let unknown = try await api.call(.get, "/v1/intake/questionnaire?category=gossip", token: nil)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.problemType == "/problems/unknown-category")
        }
    }

    @Test func oneAnonymousReportOpensARetaliationReviewAndAnInvestigationEachHoldingItsOwnPart() async throws {
        try await CaseAPIHarness.run { api in
            let reply = try await api.call(.post, "/v1/intake", token: nil, body: Self.retaliation(misconduct: true))
            #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
            let filed = try APIBody.decoder.decode(Filed.self, from: reply.body)
            let investigation = try #require(filed.alsoOpened?.first)
            #expect(filed.alsoOpened?.count == 1)
            #expect(try await api.count("SELECT count(*) AS n FROM intake_receipts") == 1, "one receipt for both")

            // The Ethics Office's review: the reporter's account and answers, raised to high by
            // "still happening", without the misconduct's description.
            let eco = try await api.token("eco-lead", "ECO:lead")
            let review = try await api.call(.get, "/v1/cases/\(filed.reference)", token: eco).decode(Answered.self)
            #expect(review.office == "ECO")
            #expect(review.priority == "high")
            #expect(review.answers?.map(\.question) == ["protected_activity", "reported_on", "still_happening", "includes_misconduct"])
            #expect(review.links?.map(\.reference) == [investigation])
            #expect(review.links?.first?.relation == "reported_with")

            // The Inspector General's investigation: only the misconduct, not the reporter's account.
            let oig = try await api.token("oig-lead", "OIG:lead")
            let opened = try await api.call(.get, "/v1/cases/\(investigation)", token: oig).decode(Answered.self)
            #expect(opened.office == "OIG")
            #expect(opened.answers?.map(\.question) == ["misconduct_description", "misconduct_when"])
            #expect(opened.narrative?.contains("relative's firm") == true)
            #expect(opened.narrative?.contains("excluded") == false)
            #expect(opened.links?.map(\.reference) == [filed.reference])
            // Each office sees its own case only.
            #expect(try await api.call(.get, "/v1/cases/\(investigation)", token: eco).status == .notFound)
            #expect(try await api.call(.get, "/v1/cases/\(filed.reference)", token: oig).status == .notFound)

            // One receipt reaches both; each office reads only its own case's messages.
            let session = try await api.call(.post, "/v1/intake/session", token: nil, body: ["receipt": try #require(filed.receipt)])
            let token = try APIBody.decoder.decode(AnonymousIntakeTests.Session.self, from: session.body).token
            #expect(try APIBody.decoder.decode(Filed.self, from: session.body).alsoOpened == [investigation])
            for reference in [filed.reference, investigation] {
                #expect(try await api.call(.get, "/v1/cases/\(reference)", token: token).status == .ok)
            }
            let toECO = try await api.call(
                .post, "/v1/cases/\(filed.reference)/comments", token: token, body: ["body": "My new manager is copied.", "visibility": "reporter"])
            #expect(toECO.status == .created)
            let oigThread = try await api.call(.get, "/v1/cases/\(investigation)/comments", token: oig)
            #expect(!String(decoding: oigThread.body, as: UTF8.self).contains("My new manager"))
            let ecoThread = try await api.call(.get, "/v1/cases/\(filed.reference)/comments", token: eco)
            #expect(String(decoding: ecoThread.body, as: UTF8.self).contains("My new manager"))
            // The reporter reads one thread: the Inspector General's message comes with the
            // review's, marked with its own case; the Ethics Office still does not see it.
            let fromOIG = try await api.call(
                .post, "/v1/cases/\(investigation)/comments", token: oig, body: ["body": "Who signed the contracts?", "visibility": "reporter"])
            #expect(fromOIG.status == .created)
            struct Message: Decodable {
                let author: String
                let body: String
                let reference: String?
            }
            let thread = try await api.call(.get, "/v1/cases/\(filed.reference)/comments", token: token).decode(APIBody.List<Message>.self)
            #expect(thread.items.map(\.body) == ["My new manager is copied.", "Who signed the contracts?"])
            #expect(thread.items.map(\.reference) == [nil, investigation])
            #expect(thread.items.map(\.author) == ["reporter", "office"])
            let ecoAgain = try await api.call(.get, "/v1/cases/\(filed.reference)/comments", token: eco)
            #expect(!String(decoding: ecoAgain.body, as: UTF8.self).contains("Who signed"))
            // The reporter is known to both offices as no one.
            let filers = try await api.adminPool.query("SELECT DISTINCT filed_by FROM cases").map { try $0.decode("filed_by", as: String.self) }
            #expect(filers.count == 1 && filers[0].hasPrefix("t:"))
            #expect(try await api.sealedFiler(filed.reference)?.hasPrefix("anonymous-") == true)
            #expect(try await api.sealedFiler(investigation) == api.sealedFiler(filed.reference))
        }
    }

    @Test func aNamedFilerAnswersTooAndWithoutTheCallForASecondOfficeOneCaseOpens() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let reply = try await api.call(.post, "/v1/cases", token: staff, body: Self.retaliation(misconduct: false))
            #expect(reply.status == .created, "\(String(decoding: reply.body, as: UTF8.self))")
            let filed = try APIBody.decoder.decode(Filed.self, from: reply.body)
            #expect(filed.alsoOpened == nil)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
            let eco = try await api.token("eco-lead", "ECO:lead")
            let review = try await api.call(.get, "/v1/cases/\(filed.reference)", token: eco).decode(Answered.self)
            #expect(review.answers?.first { $0.question == "includes_misconduct" }?.answer == "no")
            // The reporter reads their case, not the answers' record (what they answered, they know).
            let own = try await api.call(.get, "/v1/cases/\(filed.reference)", token: staff).decode(Answered.self)
            #expect(own.answers == nil)
        }
    }

    @Test(
        arguments: [
            ("still_happening", "yes", "\"still_happening\" takes true or false"),
            ("misconduct_description", "Bribes.", "\"misconduct_description\" is not asked after the answers given (its condition is not met)"),
            ("includes_misconduct", nil, "\"includes_misconduct\" must be answered"),
            ("reported_on", "last spring", "\"reported_on\" takes a date, YYYY-MM-DD"),
            ("favourite_colour", "blue", "\"favourite_colour\" is not a question of this category's questionnaire"),
        ] as [(String, String?, String)])
    /// Each answer replaced by a text (or left out, for nil).
    func answersThatDoNotFitAreRefusedAndNothingIsStored(question: String, answer: String?, detail: String) async throws {
        try await CaseAPIHarness.run { api in
            var body = Self.retaliation(misconduct: false)
            var answers = body["answers"] as! [String: Any]
            answers[question] = answer
            body["answers"] = answers
            let reply = try await api.call(.post, "/v1/intake", token: nil, body: body)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.problemType == "/problems/invalid-answers")
            #expect(reply.problemDetail == detail)
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM intake_receipts") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM case_answers") == 0)
        }
    }

    @Test func aMissedAcknowledgementOfAnAnonymousReportEscalates() async throws {
        try await CaseAPIHarness.run { api in
            let reply = try await api.call(.post, "/v1/intake", token: nil, body: AnonymousIntakeTests.filing)
            let reference = try APIBody.decoder.decode(Filed.self, from: reply.body).reference
            let filed = api.clock.now()
            // Acknowledgement is owed within 7 days; unassigned, the head of the office hears first.
            _ = try await api.store.escalateOverdue(at: filed.addingTimeInterval(6 * 86_400))
            #expect(try await api.count("SELECT count(*) AS n FROM escalations WHERE item = 'acknowledgement'") == 0)
            _ = try await api.store.escalateOverdue(at: filed.addingTimeInterval(7.5 * 86_400))
            let raised = try await api.adminPool.query(
                """
                SELECT o.payload ->> 'recipient' AS recipient FROM outbox o JOIN cases c ON c.id = o.case_id
                WHERE c.reference = \(reference) AND o.kind = 'escalation' AND o.payload ->> 'item' = 'acknowledgement'
                """)
            #expect(try raised.map { try $0.decode("recipient", as: String.self) } == ["ig"])
        }
    }
}
