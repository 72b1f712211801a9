import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An error that answers as an RFC 9457 problem: a `Problem` itself, or a refusal of a lower
/// layer (the store's) that knows which problem it is. Thrown from a handler, it becomes the
/// response (`ProblemMiddleware`); nothing else needs to translate it.
public protocol ProblemConvertible: HTTPResponseError {
    var problem: Problem { get }
}

extension ProblemConvertible {
    public var status: HTTPResponse.Status { problem.kind.status }
    public var headers: HTTPFields { problem.headers }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try problem.body(for: request, context: context)
    }
}

/// An RFC 9457 problem: what went wrong, for a client, with a stable `type` to match on.
///
/// Every error response of the service is one of these. The `detail` is written for the
/// client; SQL, libpq messages and stack traces never go into it.
public struct Problem: ProblemConvertible, Sendable {
    /// A stable problem type: its URI never changes once published.
    public struct Kind: Sendable, Hashable {
        public let slug: String
        public let title: String
        public let status: HTTPResponse.Status

        /// The `type` member: a URI reference relative to the API's origin.
        public var uri: String { "/problems/\(slug)" }

        public static let notFound = Kind(slug: "not-found", title: "Not found", status: .notFound)
        public static let methodNotAllowed = Kind(slug: "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed)
        public static let badRequest = Kind(slug: "bad-request", title: "The request is malformed", status: .badRequest)
        public static let payloadTooLarge = Kind(slug: "payload-too-large", title: "The request body is too large", status: .contentTooLarge)
        public static let notReady = Kind(slug: "not-ready", title: "The service is not ready", status: .serviceUnavailable)
        public static let databaseUnavailable = Kind(slug: "database-unavailable", title: "The database is unavailable", status: .serviceUnavailable)
        public static let internalError = Kind(slug: "internal-error", title: "Internal error", status: .internalServerError)
        public static let unauthenticated = Kind(slug: "unauthenticated", title: "Authentication required", status: .unauthorized)
        public static let forbidden = Kind(slug: "forbidden", title: "Not allowed", status: .forbidden)
        public static let unsupportedMediaType = Kind(
            slug: "unsupported-media-type", title: "Unsupported content type", status: .unsupportedMediaType)
        public static let unknownField = Kind(slug: "unknown-field", title: "Unknown field in the request body", status: .badRequest)
        public static let preconditionRequired = Kind(slug: "precondition-required", title: "If-Match is required", status: .preconditionRequired)
        public static let staleVersion = Kind(slug: "stale-version", title: "The case has changed", status: .preconditionFailed)
        public static let unknownCategory = Kind(slug: "unknown-category", title: "Unknown category", status: .unprocessableContent)
        public static let unknownPlace = Kind(slug: "unknown-place", title: "Unknown region or country office", status: .unprocessableContent)
        public static let idempotencyKeyReused = Kind(
            slug: "idempotency-key-reused", title: "Idempotency key used for another request", status: .unprocessableContent)
        public static let cannotAssign = Kind(slug: "cannot-assign", title: "The case cannot be assigned to that person", status: .conflict)
        public static let alreadyAssigned = Kind(slug: "already-assigned", title: "The case is already assigned", status: .conflict)
        public static let caseClosed = Kind(slug: "case-closed", title: "The case is closed", status: .conflict)
        public static let invalidCursor = Kind(slug: "invalid-cursor", title: "Invalid page cursor", status: .badRequest)
        public static let invalidSearch = Kind(slug: "invalid-search", title: "Nothing to search for", status: .badRequest)
        public static let rateLimited = Kind(slug: "rate-limited", title: "Too many requests", status: .tooManyRequests)
        public static let notPlannedWork = Kind(
            slug: "not-planned-work", title: "The office does not open cases of this kind", status: .unprocessableContent)
        public static let invalidPlan = Kind(slug: "invalid-plan", title: "The plan cannot be", status: .unprocessableContent)
        public static let notAtReportStep = Kind(
            slug: "not-at-report-step", title: "Recommendations are issued at the report step", status: .conflict)
        public static let invalidOwner = Kind(slug: "invalid-owner", title: "The recommendation's owner cannot be", status: .unprocessableContent)
        public static let alreadyResponded = Kind(slug: "already-responded", title: "The response is already recorded", status: .conflict)
        public static let invalidReportPeriod = Kind(slug: "invalid-report-period", title: "The report period is not valid", status: .badRequest)
        public static let invalidReportFilter = Kind(slug: "invalid-report-filter", title: "The report cannot be cut that way", status: .badRequest)
        public static let unknownReport = Kind(slug: "unknown-report", title: "No such report", status: .notFound)
        public static let cannotNameSelf = Kind(slug: "cannot-name-yourself", title: "You cannot name yourself on a case", status: .conflict)
        public static let invalidReceipt = Kind(slug: "invalid-receipt", title: "A receipt is sixteen digits", status: .badRequest)
        public static let invalidFileName = Kind(slug: "invalid-file-name", title: "The file name cannot be kept", status: .badRequest)
        public static let fileTypeNotAllowed = Kind(
            slug: "file-type-not-allowed", title: "Files of this type are not accepted", status: .unsupportedMediaType)
        public static let emptyFile = Kind(slug: "empty-file", title: "The file is empty", status: .unprocessableContent)
        public static let fileTooLarge = Kind(slug: "file-too-large", title: "The file is too large", status: .contentTooLarge)
        public static let caseFilesFull = Kind(
            slug: "case-files-full", title: "The case's files would pass their limit", status: .contentTooLarge)
        public static let contentMismatch = Kind(
            slug: "content-mismatch", title: "The file's content is not of its declared type", status: .unprocessableContent)
        public static let attachmentNotHeld = Kind(
            slug: "attachment-not-held", title: "Only a file held for the reporter is confirmed or discarded", status: .conflict)
        public static let legalHoldConflict = Kind(slug: "legal-hold-conflict", title: "The legal hold is already so", status: .conflict)
        public static let invalidAnswers = Kind(
            slug: "invalid-answers", title: "The answers do not fit the category's questionnaire", status: .unprocessableContent)
        public static let unknownReceipt = Kind(slug: "unknown-receipt", title: "No case has this receipt", status: .unauthorized)

        /// A refusal of the workflow engine: `/problems/transition-wrong-state`, ...
        public static func transitionRefused(_ slug: String) -> Kind {
            let status: HTTPResponse.Status =
                ["missing-field", "unknown-transition", "invalid-choice"].contains(slug) ? .unprocessableContent : .conflict
            return Kind(slug: "transition-\(slug)", title: "The transition was refused", status: status)
        }
    }

    public let kind: Kind
    public let detail: String?
    public var problem: Problem { self }
    let extraHeaders: HTTPFields

    public init(_ kind: Kind, detail: String? = nil, headers: HTTPFields = [:]) {
        self.kind = kind
        self.detail = detail
        self.extraHeaders = headers
    }

    public var headers: HTTPFields {
        var fields = extraHeaders
        fields[.contentType] = "application/problem+json"
        if kind.status == .unauthorized { fields[.wwwAuthenticate] = "Bearer" }
        return fields
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let instance: String
        let requestId: String?
    }

    func body(for request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: kind.uri,
            title: kind.title,
            status: Int(kind.status.code),
            detail: detail,
            instance: request.uri.path,
            requestId: context.logger[metadataKey: "request_id"]?.description
        )
        let data = try oversightResponseEncoder.encode(body)
        return Response(
            status: kind.status,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
