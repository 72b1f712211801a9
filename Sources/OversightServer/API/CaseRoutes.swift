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
/// Each translates HTTP to one store call; the store asks the domain.
struct CaseRoutes: Sendable {
    let store: CaseStore

    func register(on group: RouterGroup<OversightRequestContext>) {
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

    @Sendable func file(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await request.decodeStrict(FileCaseRequest.self, context: context)
        let key = request.headers[.idempotencyKey]
        if let key {
            do {
                try InputCheck.identifier("Idempotency-Key", key, maximum: 200)
            } catch {
                throw Problem(.badRequest, detail: "Idempotency-Key must be 1 to 200 characters, without spaces or control characters")
            }
        }
        let receipt = try await store.file(body.filing, by: actor, idempotencyKey: key)
        // Nothing that could tie the filer to the case: no reference here (the request's
        // logger carries no actor either).
        context.logger.info("case filed", metadata: ["replayed": "\(receipt.replayed)"])
        return try JSONBody(
            value: FilingResponse(reference: receipt.reference, status: receipt.status), status: .created,
            headers: [.location: "/v1/cases/\(receipt.reference)"]
        ).response(from: request, context: context)
    }

    @Sendable func listOwn(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        guard request.uri.queryParameters["filed_by"] == "me" else {
            throw Problem(.badRequest, detail: "list your own filings with ?filed_by=me; office queues are at /v1/offices/{office}/queue")
        }
        let records = try await store.filings(of: actor)
        let cases = records.map { record in
            CaseResponse(
                record, access: CaseAccess(view: .reporter, actions: [.read, .messageReporter]),
                workflow: store.catalog.workflow(version: record.workflowVersionID), actor: actor, links: [])
        }
        return try JSONBody(value: CaseListResponse(cases: cases)).response(from: request, context: context)
    }

    @Sendable func show(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let (record, access) = try await store.find(try reference(context), for: actor)
        return try caseResponse(
            record, access: access, actor: actor, links: access.view >= .officer ? record.links : [],
            request: request, context: context)
    }

    @Sendable func assign(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await request.decodeStrict(AssignmentRequest.self, context: context)
        let record = try await store.assign(try reference(context), to: body.assignee, by: actor)
        return try caseResponse(record, access: store.access(actor, to: record), actor: actor, links: nil, request: request, context: context)
    }

    @Sendable func claim(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let record = try await store.claim(try reference(context), by: actor)
        return try caseResponse(record, access: store.access(actor, to: record), actor: actor, links: nil, request: request, context: context)
    }

    @Sendable func transition(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let reference = try reference(context)
        // A hidden case answers 404 whatever the headers; the store checks that in the
        // transaction, so only a bad If-Match needs its own look first.
        guard let ifMatch = request.headers[.ifMatch] else {
            _ = try await store.find(reference, for: actor)
            throw Problem(.preconditionRequired, detail: "send If-Match with the case's ETag")
        }
        guard
            let version = Int(
                ifMatch.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        else {
            _ = try await store.find(reference, for: actor)
            throw Problem(.badRequest, detail: "If-Match must be the case's ETag, e.g. \"3\"")
        }
        let body = try await request.decodeStrict(TransitionRequest.self, context: context)
        let record = try await store.transition(reference, body.transition, input: body.input, by: actor, expectedVersion: version)
        // An ombuds case leaves no trace in the logs, not even its reference.
        if store.catalog.workflow(version: record.workflowVersionID)?.confidentialToOffice == false {
            context.logger.info(
                "transition", metadata: ["reference": "\(reference)", "transition": "\(body.transition)", "state": "\(record.state)"])
        }
        return try caseResponse(record, access: store.access(actor, to: record), actor: actor, links: nil, request: request, context: context)
    }

    @Sendable func listComments(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let (cursor, limit) = try page(request)
        let page = try await store.comments(try reference(context), for: actor, after: cursor, limit: limit)
        return try JSONBody(value: ListResponse(items: page.items.map(CommentResponse.init), nextCursor: page.next))
            .response(from: request, context: context)
    }

    @Sendable func addComment(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await request.decodeStrict(CommentRequest.self, context: context)
        guard !body.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem(.badRequest, detail: "a comment needs a body")
        }
        let comment = try await store.addComment(try reference(context), body: body.body, visibility: body.visibility ?? .internal, by: actor)
        return try JSONBody(value: CommentResponse(comment), status: .created).response(from: request, context: context)
    }

    @Sendable func listParties(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let (cursor, limit) = try page(request)
        let page = try await store.parties(try reference(context), for: actor, after: cursor, limit: limit)
        return try JSONBody(value: ListResponse(items: page.items.map(PartyResponse.init), nextCursor: page.next))
            .response(from: request, context: context)
    }

    @Sendable func addParty(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await request.decodeStrict(PartyRequest.self, context: context)
        let party = try await store.addParty(try reference(context), personID: body.personID, role: body.role, by: actor)
        return try JSONBody(value: PartyResponse(party), status: .created).response(from: request, context: context)
    }

    @Sendable func listEvents(_ request: Request, context: OversightRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let (cursor, limit) = try page(request)
        var after: Int?
        if let cursor {
            guard let seq = Int(cursor), seq >= 0 else { throw Problem(.invalidCursor, detail: "the cursor is not one this service issued") }
            after = seq
        }
        let page = try await store.events(try reference(context), for: actor, afterSeq: after, limit: limit)
        return try JSONBody(value: ListResponse(items: page.items.map(EventResponse.init), nextCursor: page.next))
            .response(from: request, context: context)
    }

    /// `?cursor=` and `?limit=` of a list.
    func page(_ request: Request) throws -> (cursor: String?, limit: Int) {
        let query = request.uri.queryParameters
        let limit = try InputCheck.limit(query["limit"], default: CaseStore.defaultListLimit, maximum: CaseStore.maximumPageSize)
        guard let cursor = query["cursor"].map(String.init) else { return (nil, limit) }
        try InputCheck.identifier("cursor", cursor, maximum: 512)
        return (cursor, limit)
    }

    /// The `{reference}` path parameter, percent-decoded (Hummingbird leaves it encoded). A
    /// malformed reference cannot exist, so it answers the same 404 as a missing case.
    func reference(_ context: OversightRequestContext) throws -> String {
        let raw = context.parameters.get("reference") ?? ""
        guard let decoded = raw.removingPercentEncoding, let reference = CaseReference(decoded) else { throw CaseStoreError.notFound }
        // The canonical form, however the caller typed it (lower case, no dashes).
        return reference.description
    }

    func caseResponse(
        _ record: CaseRecord, access: CaseAccess, actor: Actor, links: [CaseLink]?,
        request: Request, context: OversightRequestContext
    ) throws -> Response {
        let links = links ?? []
        let body = CaseResponse(
            record, access: access, workflow: store.catalog.workflow(version: record.workflowVersionID), actor: actor, links: links)
        // The reporter's ETag follows the reporter's version, so polling it reveals no internal work.
        let etag = access.view >= .officer ? "\"\(record.version)\"" : "\"r\(record.reporterVersion)\""
        return try JSONBody(value: body, headers: [.eTag: etag]).response(from: request, context: context)
    }
}
