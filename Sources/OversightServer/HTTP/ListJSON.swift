import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OversightDomain

/// JSON text written straight into bytes, for the lists read most (the queue, search): the
/// shared `JSONEncoder` spent a sixth of a search's service time on 50 cases, converting
/// every key to snake_case and sorting them. The text is byte for byte what that encoder
/// writes (keys sorted, snake_case, ISO 8601 dates in whole seconds, slashes unescaped,
/// absent optionals left out); a test holds the two to it.
struct ListJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case ..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func append(contentsOf data: Data) { bytes.append(contentsOf: data) }

    mutating func append(utf8 text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    /// `2026-12-01T07:44:03Z`: UTC, seconds rounded down, as `.iso8601` writes it.
    mutating func date(_ date: Date) {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainderFlooring(by: 86_400)
        let (year, month, day) = CalendarDay.civil(fromDays: days)
        bytes.append(UInt8(ascii: "\""))
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        raw("Z\"")
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A 200 response holding the text, as Hummingbird's JSON encoder labels it.
    func response() -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: buffer))
    }
}

extension Int {
    fileprivate func quotientAndRemainderFlooring(by divisor: Int) -> (Int, Int) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

extension QueueItemResponse {
    /// The item's object, keys in sorted order.
    func write(into json: inout ListJSON) {
        json.raw("{")
        if let assignee {
            json.raw("\"assignee\":")
            json.string(assignee)
            json.raw(",")
        }
        json.raw("\"category\":")
        json.string(category)
        if let dueAt {
            json.raw(",\"due_at\":")
            json.date(dueAt)
        }
        json.raw(",\"kind\":")
        json.string(kind)
        json.raw(",\"opened_at\":")
        json.date(openedAt)
        json.raw(",\"overdue\":")
        json.bool(overdue)
        json.raw(",\"priority\":")
        json.string(priority)
        json.raw(",\"reference\":")
        json.string(reference)
        if let region {
            json.raw(",\"region\":")
            json.string(region)
        }
        json.raw(",\"state\":")
        json.string(state)
        json.raw(",\"title\":")
        json.string(title)
        json.raw("}")
    }

    static func write(_ items: [QueueItemResponse], into json: inout ListJSON) {
        json.raw("\"cases\":[")
        for (position, item) in items.enumerated() {
            if position > 0 { json.raw(",") }
            item.write(into: &json)
        }
        json.raw("]")
    }
}

extension ListJSON {
    /// A page of list items: `{"cases":[...],"next_cursor":...` then `rest` (the keys that sort
    /// after), then `}`.
    static func page(_ cases: [QueueItemResponse], nextCursor: String?, rest: (inout ListJSON) -> Void = { _ in }) -> ListJSON {
        var json = ListJSON(capacity: 256 + cases.count * 320)
        json.raw("{")
        QueueItemResponse.write(cases, into: &json)
        if let nextCursor {
            json.raw(",\"next_cursor\":")
            json.string(nextCursor)
        }
        rest(&json)
        json.raw("}")
        return json
    }
}

extension SearchResponse: ResponseGenerator {
    var json: ListJSON {
        ListJSON.page(cases, nextCursor: nextCursor) { json in
            json.raw(",\"total\":")
            json.integer(total)
            json.raw(",\"total_is_exact\":")
            json.bool(totalIsExact)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { json.response() }
}

extension QueueResponse: ResponseGenerator {
    var json: ListJSON { ListJSON.page(cases, nextCursor: nextCursor) }

    func response(from request: Request, context: some RequestContext) throws -> Response { json.response() }
}
