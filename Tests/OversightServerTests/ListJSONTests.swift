import Foundation
import Testing

@testable import OversightDomain
@testable import OversightServer

/// The queue's, search's and a case's JSON, written by hand for speed, is byte for byte what the
/// service's `JSONEncoder` writes for the same values.
struct ListJSONTests {
    static let titles = [
        "Invoices paid twice", "quote \" backslash \\ slash / done", "controls \u{01}\u{08}\u{0C}\n\r\t\u{1F}\u{7F} end",
        "accents é ü ø, 🕵️‍♀️ and \u{2028} separator", "",
    ]
    static let dates: [Date] = [
        Date(timeIntervalSince1970: 1_795_000_000.999_999), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5),
        Date(timeIntervalSince1970: 1_709_164_800), Date(timeIntervalSince1970: 4_107_542_399), Date(timeIntervalSince1970: 951_782_400),
    ]

    func items() -> [QueueItemResponse] {
        var items: [QueueItemResponse] = []
        for (position, title) in Self.titles.enumerated() {
            for (index, date) in Self.dates.enumerated() {
                let present = (position + index).isMultiple(of: 2)
                items.append(
                    QueueItemResponse(
                        reference: "REF\(index)-\(position)", kind: "allegation", state: "intake", category: "fraud", priority: "high",
                        title: title, assignee: present ? "inv-amara" : nil, region: present ? nil : "Europe", openedAt: date,
                        dueAt: present ? nil : date.addingTimeInterval(86_400 * 30), overdue: present))
            }
        }
        return items
    }

    func encoded(_ value: some Encodable) throws -> [UInt8] { Array(try oversightResponseEncoder.encode(value)) }

    @Test func aSearchPageIsWhatTheEncoderWrites() throws {
        for (cursor, total) in [(nil, 0), ("c3VyZS8rPQ==", 100)] as [(String?, Int)] {
            let page = SearchResponse(cases: items(), total: total, totalIsExact: total < 100, nextCursor: cursor)
            #expect(page.json.bytes == (try encoded(page)), "\(String(decoding: page.json.bytes, as: UTF8.self))")
        }
        let empty = SearchResponse(cases: [], total: 0, totalIsExact: true, nextCursor: nil)
        #expect(empty.json.bytes == (try encoded(empty)))
    }

    @Test func aQueuePageIsWhatTheEncoderWrites() throws {
        for cursor in [nil, "bmV4dA=="] as [String?] {
            let page = QueueResponse(cases: items(), nextCursor: cursor)
            #expect(page.json.bytes == (try encoded(page)))
        }
    }

    /// A case in each view: every part present (special characters, every date form), the
    /// officer's parts only, the reporter's (nothing optional).
    func cases() -> [CaseResponse] {
        var cases: [CaseResponse] = []
        for (position, title) in Self.titles.enumerated() {
            let date = Self.dates[position % Self.dates.count]
            let later = Self.dates[(position + 1) % Self.dates.count]
            let items = [
                DueItem(kind: .acknowledgement, dueAt: position.isMultiple(of: 2) ? date : nil, isPaused: false),
                DueItem(kind: .feedback, dueAt: later, isPaused: false),
            ]
            cases.append(
                CaseResponse(
                    reference: "Q7XK-4MPA-\(position)", view: "full", status: "under_review", title: title, openedAt: date, closedAt: later,
                    version: 12 + position, kind: "investigation", office: "OIG", state: "on_hold", category: "fraud", priority: "high",
                    narrative: Self.titles.reversed().joined(separator: "\n"), occurredOn: "2026-03-01", location: "Geneva / HQ",
                    region: "Europe", countryOffice: "CH", assignee: "inv-amara", outcome: "substantiated", dueAt: later,
                    availableTransitions: ["resume", "close_no_action"], actions: ["comment", "transition"],
                    links: position == 0
                        ? [] : [.init(reference: "AAAA-BBBB-CCCC", relation: "reported_with"), .init(reference: title, relation: "x")],
                    answers: [RecordedAnswer(question: "still_happening", text: "Is it \"still\" happening?", answer: title)],
                    plan: ["planned_by": "oig-lead", "scope": title, "entity": "Procurement"],
                    recommendation: RecommendationDetail(
                        owner: RecommendationOwner(office: OfficeCode("FIN")!, personID: "fin-head"),
                        fields: ["recommendation_priority": .text("high"), "due_date": .text("2027-01-31"), "action_plan": .text(title)]),
                    reporterDue: CaseResponse.ReporterDue(items), filedBy: "staff-ines", routingRule: "routing.yaml rules[0] (fraud)",
                    conflict: position == 1 ? "OIG implicated" : nil))
        }
        cases.append(
            CaseResponse(
                reference: "Q7XK-4MPA-OFFI", view: "officer", status: "in_progress", title: "Invoices", openedAt: Self.dates[0],
                closedAt: nil, version: 3, kind: "investigation", office: "OIG", state: "preliminary_assessment", category: "fraud",
                priority: "normal", narrative: "Two payments.", occurredOn: nil, location: nil, region: nil, countryOffice: nil,
                assignee: nil, outcome: nil, dueAt: nil, availableTransitions: [], actions: [], links: nil, answers: nil, plan: nil,
                recommendation: nil, reporterDue: nil, filedBy: nil, routingRule: nil, conflict: nil))
        cases.append(
            CaseResponse(
                reference: "Q7XK-4MPA-REPO", view: "reporter", status: "received", title: "", openedAt: Self.dates[2], closedAt: nil,
                version: 1, kind: nil, office: nil, state: nil, category: nil, priority: nil, narrative: nil, occurredOn: nil, location: nil,
                region: nil, countryOffice: nil, assignee: nil, outcome: nil, dueAt: nil, availableTransitions: nil, actions: nil,
                links: nil, answers: nil, plan: nil, recommendation: nil, reporterDue: nil, filedBy: nil, routingRule: nil,
                conflict: nil))
        return cases
    }

    @Test func aCaseIsWhatTheEncoderWrites() throws {
        let cases = cases()
        #expect(cases.count == Self.titles.count + 2)
        for item in cases {
            var json = ListJSON(capacity: 0)
            try item.write(into: &json)
            #expect(json.bytes == (try encoded(item)), "\(String(decoding: json.bytes, as: UTF8.self))")
        }
    }
}
