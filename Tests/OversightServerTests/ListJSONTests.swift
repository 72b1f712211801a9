import Foundation
import Testing

@testable import OversightServer

/// The queue's and search's JSON, written by hand for speed, is byte for byte what the
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
}
