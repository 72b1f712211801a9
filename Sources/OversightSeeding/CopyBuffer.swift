import Foundation
import OversightDomain
import OversightStore
import PostgresClient

/// Rows in COPY text format, with the encodings the seeded columns need.
struct CopyBuffer {
    private(set) var encoder = CopyTextEncoder(reservingCapacity: 1 << 20)
    var bytes: [UInt8] { encoder.bytes }

    mutating func row(_ fields: [String?]) {
        for field in fields { encoder.field(field) }
        encoder.endRow()
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff+00`, or `infinity`.
    static func timestamp(_ date: Date) -> String {
        if date == .distantFuture { return "infinity" }
        let micro = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (seconds, fraction) = micro.quotientAndRemainder(dividingBy: 1_000_000)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = CalendarDay(index: Int(days))
        let fractionText = String(fraction)
        return "\(day) \(pad(secondOfDay / 3600)):\(pad(secondOfDay % 3600 / 60)):\(pad(secondOfDay % 60))."
            + String(repeating: "0", count: 6 - fractionText.count) + fractionText + "+00"
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `\x` and lowercase hex: PostgreSQL's bytea text input. (String(format:) per byte is
    /// far too slow for millions of hashes.)
    static func bytea(_ data: Data) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + data.count * 2)
        for byte in data {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A flat map of texts as a JSON object, keys sorted (event data).
    static func json(_ data: [String: String]) -> String {
        var text = "{"
        for (index, key) in data.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            text += quoted(key) + ":" + quoted(data[key]!)
        }
        return text + "}"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The snapshot as `JSONEncoder` would write it (dates as seconds since 2001), written by
    /// hand: the seeder writes one per case and JSONEncoder dominated its profile.
    static func jsonDocument(_ document: SnapshotDocument) -> String {
        guard document.fields.isEmpty else {
            return String(decoding: (try? JSONEncoder().encode(document)) ?? Data("{}".utf8), as: UTF8.self)
        }
        func date(_ value: Date) -> String { "\(value.timeIntervalSinceReferenceDate)" }
        func clock(_ clock: ClockState) -> String {
            var parts = ["\"limit_days\":\(clock.limitDays)", "\"started_at\":" + date(clock.startedAt), "\"paused_seconds\":\(clock.pausedSeconds)"]
            if let pausedAt = clock.pausedAt { parts.append("\"paused_at\":" + date(pausedAt)) }
            if let stoppedAt = clock.stoppedAt { parts.append("\"stopped_at\":" + date(stoppedAt)) }
            return "{" + parts.joined(separator: ",") + "}"
        }
        var parts = ["\"fields\":{}", "\"visited_states\":[" + document.visitedStates.map(quoted).joined(separator: ",") + "]"]
        if let pausedFrom = document.pausedFrom { parts.append("\"paused_from\":" + quoted(pausedFrom)) }
        if let stage = document.stageClock { parts.append("\"stage_clock\":" + clock(stage)) }
        parts.append(
            "\"clocks\":{" + document.clocks.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + clock($0.value) }.joined(separator: ",") + "}")
        parts.append("\"open_recommendations\":\(document.openRecommendations)")
        if let value = document.acknowledgedAt { parts.append("\"acknowledged_at\":" + date(value)) }
        if let value = document.lastReporterUpdateAt { parts.append("\"last_reporter_update_at\":" + date(value)) }
        if let value = document.triageDueAt { parts.append("\"triage_due_at\":" + date(value)) }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
