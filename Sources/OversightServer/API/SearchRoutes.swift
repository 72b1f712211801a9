import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// `GET /v1/search?q=`: the cases an officer, lead or head works that hold the words (title,
/// narrative, notes, messages) or references of `q`, newest first, with filters.
struct SearchRoutes: Sendable {
    let store: CaseStore
    let cursors: QueueCursorCodec

    func register(on group: RouterGroup<AuthenticatedRequestContext>) {
        group.get("/search", use: search)
    }

    @Sendable func search(_ request: Request, context: AuthenticatedRequestContext) async throws -> SearchResponse {
        let actor = context.actor
        guard actor.memberships.contains(where: { Role.caseRoles.contains($0.role) }) else {
            throw Problem(.forbidden, detail: "search is for the officers, leads and heads of an office")
        }
        let parameters = request.uri.queryParameters
        for name in ["q", "office", "kind", "state", "category", "region", "party", "cursor"] {
            if let value = parameters[Substring(name)] { try InputCheck.text(name, String(value), maximum: name == "q" ? 256 : 512) }
        }
        let query = SearchQuery(parameters["q"].map(String.init) ?? "")
        guard !query.isEmpty else {
            throw Problem(
                .invalidSearch, detail: "q needs a word of two letters or more (words as common as \"the\" are not indexed) or a reference")
        }
        var filter = SearchFilter()
        if let office = parameters["office"] {
            guard let code = OfficeCode(String(office)) else { throw Problem(.badRequest, detail: "office must be an office code such as OIG") }
            filter.office = code
        }
        filter.kind = parameters["kind"].map { CaseKind(String($0)) }
        filter.state = parameters["state"].map(String.init)
        filter.category = parameters["category"].map(String.init)
        filter.region = parameters["region"].map(String.init)
        filter.party = parameters["party"].map(String.init)
        let limit = try InputCheck.limit(parameters["limit"], default: 50, maximum: CaseStore.maximumPageSize)
        let position = try parameters["cursor"].map { try cursors.decodeSearch(String($0)) }
        let now = store.clock()
        let page = try await store.search(query, filter: filter, for: actor, after: position, limit: limit)
        let items = page.cases.map { QueueItemResponse($0, at: now) }
        return SearchResponse(cases: items, total: page.total, totalIsExact: page.totalIsExact, nextCursor: page.next.map(cursors.encodeSearch))
    }
}

extension QueueCursorCodec {
    /// A search cursor: the last result's position, signed like a queue cursor (another
    /// purpose in the signed text, so neither passes for the other).
    func encodeSearch(_ position: SearchPosition) -> String {
        signed(Data("search:\(Int64((position.openedAt.timeIntervalSince1970 * 1_000_000).rounded())):\(position.id.uuidString)".utf8))
    }

    func decodeSearch(_ text: String) throws -> SearchPosition {
        let fields = String(decoding: try verified(text), as: UTF8.self).split(separator: ":")
        guard fields.count == 3, fields[0] == "search", let micros = Int64(fields[1]), let id = UUID(uuidString: String(fields[2])) else {
            throw Problem(.invalidCursor, detail: "the cursor is not a search cursor")
        }
        let split = micros.quotientAndRemainder(dividingBy: 1_000_000)
        return SearchPosition(openedAt: Date(timeIntervalSince1970: Double(split.quotient) + Double(split.remainder) / 1_000_000), id: id)
    }
}
