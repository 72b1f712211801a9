import Crypto
import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// Opaque, tamper-evident queue cursors: the last position, HMAC-signed with a key of the
/// service, so a client can neither forge a position nor edit one. The key comes from
/// configuration, so that a cursor from one replica (or before a restart) works on another.
public struct QueueCursorCodec: Sendable {
    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("queue-cursor:" + secret).utf8)))
    }

    public struct MissingSecret: Error, CustomStringConvertible {
        public let description =
            "queue cursors need a key every replica shares: set OVERSIGHT_CURSOR_SECRET (32 bytes or more), or OVERSIGHT_JWT_SECRET"
    }

    /// The cursor key: `OVERSIGHT_CURSOR_SECRET`, else the HS256 token secret, else the
    /// development secret. With only a JWKS and none of these, the service refuses to start
    /// rather than sign with a key of its own that no other replica knows.
    public static func resolve(_ settings: ServiceSettings, developmentSecretFile: String?) throws -> QueueCursorCodec {
        if let secret = settings.cursorSecret ?? settings.jwtSecret { return QueueCursorCodec(secret: secret) }
        if settings.jwksFile == nil, let path = developmentSecretFile, let secret = try? String(contentsOfFile: path, encoding: .utf8) {
            return QueueCursorCodec(secret: secret)
        }
        throw MissingSecret()
    }

    func encode(_ position: QueuePosition) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return signed(try encoder.encode(CursorPayload(position)))
    }

    func decode(_ text: String) throws -> QueuePosition {
        guard let cursor = try? JSONDecoder().decode(CursorPayload.self, from: try verified(text)) else {
            throw Problem(.invalidCursor, detail: "the cursor is not a queue cursor")
        }
        return cursor.position
    }

    /// `payload` and its signature, as URL-safe text.
    func signed(_ payload: Data) -> String {
        let signature = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        return Self.base64URL(payload) + "." + Self.base64URL(signature)
    }

    /// The payload of a cursor this service signed; refused when it did not, or it was altered.
    func verified(_ text: String) throws -> Data {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let payload = Self.data(base64URL: String(parts[0])), let signature = Self.data(base64URL: String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key)
        else { throw Problem(.invalidCursor, detail: "the cursor is not one this service issued, or it was altered") }
        return payload
    }

    /// Dates as microseconds: the queue compares them with PostgreSQL's timestamps exactly.
    struct CursorPayload: Codable {
        let r: Int
        let d: Int64
        let o: Int64
        let i: UUID

        init(_ position: QueuePosition) {
            r = position.priorityRank
            d = position.dueAt == .distantFuture ? Int64.max : Int64((position.dueAt.timeIntervalSince1970 * 1_000_000).rounded())
            o = Int64((position.openedAt.timeIntervalSince1970 * 1_000_000).rounded())
            i = position.id
        }

        var position: QueuePosition {
            func date(_ micro: Int64) -> Date {
                if micro == .max { return .distantFuture }
                let split = micro.quotientAndRemainder(dividingBy: 1_000_000)
                return Date(timeIntervalSince1970: Double(split.quotient) + Double(split.remainder) / 1_000_000)
            }
            return QueuePosition(priorityRank: r, dueAt: date(d), openedAt: date(o), id: i)
        }
    }

    // Byte by byte: Foundation's replacingOccurrences was a twenty-fifth of a queue page's CPU.
    static func base64URL(_ data: Data) -> String {
        var bytes = Array(data.base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") {
                bytes[index] = UInt8(ascii: "-")
            } else if bytes[index] == UInt8(ascii: "/") {
                bytes[index] = UInt8(ascii: "_")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func data(base64URL text: String) -> Data? {
        var bytes = Array(text.utf8)
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "-") {
                bytes[index] = UInt8(ascii: "+")
            } else if bytes[index] == UInt8(ascii: "_") {
                bytes[index] = UInt8(ascii: "/")
            }
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(bytes))
    }
}

/// `GET /v1/offices/{office}/queue`: the office's triage queue.
struct QueueRoutes: Sendable {
    let store: CaseStore
    let cursors: QueueCursorCodec

    func register(on group: RouterGroup<AuthenticatedRequestContext>) {
        group.get("/offices/{office}/queue", use: queue)
    }

    @Sendable func queue(_ request: Request, context: AuthenticatedRequestContext) async throws -> QueueResponse {
        let actor = context.actor
        let office = try context.parameters.require("office", as: OfficeCode.self)
        guard actor.caseRole(in: office) != nil else {
            throw Problem(.forbidden, detail: "the queue is for the office's officers, leads and head")
        }
        let query = request.uri.queryParameters
        for name in ["state", "category", "assignee", "region", "kind", "cursor"] {
            if let value = query[Substring(name)] { try InputCheck.text(name, String(value), maximum: name == "cursor" ? 512 : 128) }
        }
        var filter = QueueFilter()
        filter.state = query["state"].map(String.init)
        if let priority = query["priority"] {
            guard let value = Priority(rawValue: String(priority)) else {
                throw Problem(.badRequest, detail: "priority must be one of \(Priority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.priority = value
        }
        filter.category = query["category"].map(String.init)
        filter.assignee = query["assignee"].map(String.init)
        filter.unassigned = try flag(query["unassigned"], "unassigned")
        filter.overdue = try flag(query["overdue"], "overdue")
        filter.region = query["region"].map(String.init)
        filter.kind = query["kind"].map { CaseKind(String($0)) }
        let limit = try InputCheck.limit(query["limit"], default: 50, maximum: CaseStore.maximumPageSize)
        let position = try query["cursor"].map { try cursors.decode(String($0)) }
        let now = store.clock()
        let page = try await store.queue(office: office, for: actor, filter: filter, after: position, limit: limit, at: now)
        let items = page.cases.map { QueueItemResponse($0, at: now) }
        return QueueResponse(cases: items, nextCursor: try page.next.map(cursors.encode))
    }

    func flag(_ value: Substring?, _ name: String) throws -> Bool {
        guard let value else { return false }
        guard let flag = Bool(String(value).lowercased()) else { throw Problem(.badRequest, detail: "\(name) must be true or false") }
        return flag
    }
}
