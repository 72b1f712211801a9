import Foundation

/// Bounds on what a client may send, so that bad input is a 400 problem naming the field and
/// never reaches PostgreSQL (which refuses NUL in text with an error the client would see as
/// a 500). Every request body, query filter and header value passes through one of these.
enum InputCheck {
    /// An identifier: a person id, a category, a state, a transition or field name. 1 to
    /// `maximum` characters, none of them a control character or a space.
    static func identifier(_ name: String, _ value: String, maximum: Int = 128) throws(Problem) {
        guard !value.isEmpty else { throw Problem(.badRequest, detail: "\(name) may not be empty") }
        guard value.count <= maximum else { throw Problem(.badRequest, detail: "\(name) is longer than \(maximum) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace }) else {
            throw Problem(.badRequest, detail: "\(name) may not contain spaces or control characters")
        }
    }

    /// Free text: at most `maximum` characters, no NUL (line breaks and tabs are fine).
    static func text(_ name: String, _ value: String, maximum: Int, required: Bool = true) throws(Problem) {
        if required, value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw Problem(.badRequest, detail: "\(name) may not be empty")
        }
        guard value.count <= maximum else { throw Problem(.badRequest, detail: "\(name) is longer than \(maximum) characters") }
        guard !value.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw Problem(.badRequest, detail: "\(name) may not contain NUL characters")
        }
    }

    /// A list of at most `maximum` items.
    static func count(_ name: String, _ items: some Collection, maximum: Int) throws(Problem) {
        guard items.count <= maximum else { throw Problem(.badRequest, detail: "\(name) may hold at most \(maximum) items") }
    }

    /// `?limit=`: a page size from 1 to `maximum` (larger values are capped).
    static func limit(_ value: Substring?, default defaultValue: Int, maximum: Int) throws(Problem) -> Int {
        guard let value else { return defaultValue }
        guard let number = Int(value), number > 0 else { throw Problem(.badRequest, detail: "limit must be a positive whole number") }
        return min(number, maximum)
    }
}
