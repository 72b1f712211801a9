import Foundation
import OversightDomain
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

    static func bytea(_ data: Data) -> String {
        "\\x" + data.map { String(format: "%02x", $0) }.joined()
    }

    static func json(_ data: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(data)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func jsonDocument(_ document: SnapshotDocument) -> String {
        String(decoding: (try? JSONEncoder().encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
