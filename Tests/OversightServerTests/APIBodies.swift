import Foundation
import Testing

/// The API's response bodies as a client decodes them: typed, so a renamed or retyped field
/// fails the test that reads it. (Tests that check which keys are absent read the raw object.)
enum APIBody {
    struct Filing: Decodable {
        let reference: String
        let status: String
    }

    struct Case: Decodable {
        struct Link: Decodable {
            let reference: String
            let relation: String
        }

        let reference: String
        let view: String
        let status: String
        let title: String
        let version: Int
        let openedAt: Date
        let closedAt: Date?
        let kind: String?
        let office: String?
        let state: String?
        let category: String?
        let priority: String?
        let narrative: String?
        let assignee: String?
        let outcome: String?
        let availableTransitions: [String]?
        let actions: [String]?
        let links: [Link]?
        let plan: [String: String]?
        let recommendation: Recommendation?
        let filedBy: String?
        let routingRule: String?
        let conflict: String?
        let dueAt: Date?
        let location: String?
        let region: String?
        let countryOffice: String?
    }

    struct Recommendation: Decodable {
        let ownerOffice: String
        let owner: String
        let priority: String?
        let dueDate: String?
        let managementResponse: String?
    }

    struct CaseList: Decodable {
        let cases: [Case]
        var references: [String] { cases.map(\.reference) }
    }

    struct Comment: Decodable {
        let id: String
        let author: String
        let visibility: String
        let body: String
        let createdAt: Date
    }

    struct Party: Decodable {
        let personId: String
        let role: String
        let addedBy: String?
        let addedAt: Date
    }

    struct Event: Decodable {
        let seq: Int
        let kind: String
        let actor: String
        let at: Date
        let data: [String: String]
        let hash: String
        let prevHash: String
    }

    struct List<Item: Decodable>: Decodable {
        let items: [Item]
        let nextCursor: String?
    }

    struct Problem: Decodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let requestId: String?
    }

    /// The API's conventions: snake_case keys, ISO 8601 dates.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension CaseAPIHarness.Reply {
    /// The top-level members of a JSON object body: for checks of what a reply leaves out.
    func keys() throws -> Set<String> {
        try Set(#require(try JSONSerialization.jsonObject(with: body) as? [String: Any]).keys)
    }

    /// The body as `Body`; fails the test (with the body in the message) when it does not decode.
    func decode<Body: Decodable>(_ type: Body.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> Body {
        do {
            return try APIBody.decoder.decode(Body.self, from: body)
        } catch {
            Issue.record("\(Body.self) does not decode: \(error); body: \(String(decoding: body, as: UTF8.self))", sourceLocation: sourceLocation)
            throw error
        }
    }
}
