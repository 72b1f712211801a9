import Foundation
import Hummingbird
import OversightDomain
import OversightStore

/// `GET /v1/me/notifications` and `POST /v1/me/notifications/{id}/read`: the caller's inbox.
struct NotificationRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    struct Item: Encodable, Sendable {
        let id: Int
        let kind: String
        let reference: String?
        /// Where to read the case (the reader's own view of it).
        let link: String?
        let createdAt: Date
        let readAt: Date?

        init(_ notification: OversightStore.Notification) {
            id = notification.id
            kind = notification.kind
            reference = notification.reference
            // A subject is sent to their own view, the only one they have.
            link = notification.reference.map { notification.kind == "notify_subject" ? "/v1/cases/\($0)/subject-view" : "/v1/cases/\($0)" }
            createdAt = notification.createdAt
            readAt = notification.readAt
        }
    }

    func register(on group: RouterGroup<Context>) {
        group.get("/me/notifications", use: list)
        group.post("/me/notifications/{id}/read", use: markRead)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> ListResponse<Item> {
        let query = request.uri.queryParameters
        let limit = try InputCheck.limit(query["limit"], default: 50, maximum: CaseStore.maximumPageSize)
        var unread = false
        if let value = query["unread"] {
            guard let flag = Bool(String(value).lowercased()) else { throw Problem(.badRequest, detail: "unread must be true or false") }
            unread = flag
        }
        var cursor: Int?
        if let value = query["cursor"] {
            guard let id = Int(String(value)), id > 0 else { throw Problem(.invalidCursor, detail: "the cursor is not one this service issued") }
            cursor = id
        }
        let page = try await store.notifications(for: context.actor, unreadOnly: unread, before: cursor, limit: limit)
        return ListResponse(items: page.items.map(Item.init), nextCursor: page.next.map(String.init))
    }

    @Sendable func markRead(_ request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int.init), id > 0,
            try await store.markNotificationRead(id, for: context.actor)
        else { throw Problem(.notFound, detail: "no such notification") }
        return Response(status: .noContent)
    }
}
