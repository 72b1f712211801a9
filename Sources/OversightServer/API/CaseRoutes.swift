import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OversightDomain
import OversightStore

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

/// The case endpoints: filing, reading, assignment, transitions, comments, parties, history.
/// Each translates HTTP to one store call; the store asks the domain. Store refusals answer as
/// their own problems.
struct CaseRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let store: CaseStore

    func register(on group: RouterGroup<Context>) {
        group.post("/cases", use: file)
        group.get("/cases", use: listOwn)
        group.get("/cases/{reference}", use: show)
        group.post("/cases/{reference}/assignment", use: assign)
        group.post("/cases/{reference}/claim", use: claim)
        group.post("/cases/{reference}/transitions", use: transition)
        group.get("/cases/{reference}/comments", use: listComments)
        group.post("/cases/{reference}/comments", use: addComment)
        group.get("/cases/{reference}/parties", use: listParties)
        group.post("/cases/{reference}/parties", use: addParty)
        group.get("/cases/{reference}/events", use: listEvents)
    }

    @Sendable func file(_ request: Request, context: Context) async throws -> EditedResponse<FilingResponse> {
        let body = try await request.decodeStrict(FileCaseRequest.self, context: context)
        let key = request.headers[.idempotencyKey]
        if let key {
            do {
                try InputCheck.identifier("Idempotency-Key", key, maximum: 200)
            } catch {
                throw Problem(.badRequest, detail: "Idempotency-Key must be 1 to 200 characters, without spaces or control characters")
            }
        }
        let receipt = try await store.file(body.filing, by: context.actor, idempotencyKey: key)
        // Nothing that could tie the filer to the case: no reference here (the request's
        // logger carries no actor either).
        context.logger.info("case filed", metadata: ["replayed": "\(receipt.replayed)"])
        return EditedResponse(
            status: .created, headers: [.location: "/v1/cases/\(receipt.reference)"],
            response: FilingResponse(
                reference: receipt.reference, status: receipt.status, alsoOpened: receipt.alsoOpened.isEmpty ? nil : receipt.alsoOpened))
    }

    @Sendable func listOwn(_ request: Request, context: Context) async throws -> CaseListResponse {
        guard request.uri.queryParameters["filed_by"] == "me" else {
            throw Problem(.badRequest, detail: "list your own filings with ?filed_by=me; office queues are at /v1/offices/{office}/queue")
        }
        let records = try await store.filings(of: context.actor)
        return CaseListResponse(
            cases: records.map { record in
                CaseResponse(
                    record, access: store.access(context.actor, to: record), workflow: store.catalog.workflow(version: record.workflowVersionID),
                    actor: context.actor, links: [])
            })
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let (record, access) = try await store.find(try reference(context), for: context.actor)
        return caseResponse(record, access: access, links: record.links, context: context)
    }

    @Sendable func assign(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let body = try await request.decodeStrict(AssignmentRequest.self, context: context)
        let record = try await store.assign(try reference(context), to: body.assignee, by: context.actor)
        return caseResponse(record, access: store.access(context.actor, to: record), links: [], context: context)
    }

    @Sendable func claim(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let record = try await store.claim(try reference(context), by: context.actor)
        return caseResponse(record, access: store.access(context.actor, to: record), links: [], context: context)
    }

    @Sendable func transition(_ request: Request, context: Context) async throws -> EditedResponse<CaseResponse> {
        let reference = try reference(context)
        // A hidden case answers 404 whatever the headers; the store checks that in the
        // transaction, so only a missing or bad If-Match needs its own look first.
        guard let ifMatch = request.headers[.ifMatch] else {
            _ = try await store.find(reference, for: context.actor)
            throw Problem(.preconditionRequired, detail: "send If-Match with the case's ETag")
        }
        guard
            let version = Int(
                ifMatch.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        else {
            _ = try await store.find(reference, for: context.actor)
            throw Problem(.badRequest, detail: "If-Match must be the case's ETag, e.g. \"3\"")
        }
        let body = try await request.decodeStrict(TransitionRequest.self, context: context)
        let record = try await store.transition(reference, body.transition, input: body.input, by: context.actor, expectedVersion: version)
        // An ombuds case leaves no trace in the logs, not even its reference.
        if store.catalog.workflow(version: record.workflowVersionID)?.confidentialToOffice == false {
            context.logger.info(
                "transition", metadata: ["reference": "\(reference)", "transition": "\(body.transition)", "state": "\(record.state)"])
        }
        return caseResponse(record, access: store.access(context.actor, to: record), links: [], context: context)
    }

    @Sendable func listComments(_ request: Request, context: Context) async throws -> ListResponse<CommentResponse> {
        let (cursor, limit) = try page(request)
        let page = try await store.comments(try reference(context), for: context.actor, after: cursor, limit: limit)
        return ListResponse(items: page.items.map(CommentResponse.init), nextCursor: page.next)
    }

    @Sendable func addComment(_ request: Request, context: Context) async throws -> EditedResponse<CommentResponse> {
        let body = try await request.decodeStrict(CommentRequest.self, context: context)
        guard !body.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem(.badRequest, detail: "a comment needs a body")
        }
        let comment = try await store.addComment(
            try reference(context), body: body.body, visibility: body.visibility ?? .internal, by: context.actor)
        return EditedResponse(status: .created, response: CommentResponse(comment))
    }

    @Sendable func listParties(_ request: Request, context: Context) async throws -> ListResponse<PartyResponse> {
        let (cursor, limit) = try page(request)
        let page = try await store.parties(try reference(context), for: context.actor, after: cursor, limit: limit)
        return ListResponse(items: page.items.map(PartyResponse.init), nextCursor: page.next)
    }

    @Sendable func addParty(_ request: Request, context: Context) async throws -> EditedResponse<PartyResponse> {
        let body = try await request.decodeStrict(PartyRequest.self, context: context)
        let party = try await store.addParty(try reference(context), personID: body.personID, role: body.role, by: context.actor)
        return EditedResponse(status: .created, response: PartyResponse(party))
    }

    @Sendable func listEvents(_ request: Request, context: Context) async throws -> ListResponse<EventResponse> {
        let (cursor, limit) = try page(request)
        var after: Int?
        if let cursor {
            guard let seq = Int(cursor), seq >= 0 else { throw Problem(.invalidCursor, detail: "the cursor is not one this service issued") }
            after = seq
        }
        let page = try await store.events(try reference(context), for: context.actor, afterSeq: after, limit: limit)
        return ListResponse(items: page.items.map(EventResponse.init), nextCursor: page.next)
    }

    /// `?cursor=` and `?limit=` of a list.
    func page(_ request: Request) throws -> (cursor: String?, limit: Int) {
        let query = request.uri.queryParameters
        let limit = try InputCheck.limit(query["limit"], default: CaseStore.defaultListLimit, maximum: CaseStore.maximumPageSize)
        guard let cursor = query["cursor"].map(String.init) else { return (nil, limit) }
        try InputCheck.identifier("cursor", cursor, maximum: 512)
        return (cursor, limit)
    }

    /// The `{reference}` path parameter, canonical, as the store looks it up.
    func reference(_ context: Context) throws -> String {
        try context.parameters.require("reference", as: CaseReference.self).description
    }

    func caseResponse(_ record: CaseRecord, access: CaseAccess, links: [CaseLink], context: Context) -> EditedResponse<CaseResponse> {
        CaseResponse.edited(record, access: access, store: store, actor: context.actor, links: links)
    }
}
