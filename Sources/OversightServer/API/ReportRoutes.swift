import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OversightDomain

/// `GET /v1/reports` (the reports the caller may read) and `GET /v1/reports/{name}`: one
/// report over a period, as JSON, CSV or HTML (`format=`, else the Accept header).
struct ReportRoutes: Sendable {
    typealias Context = AuthenticatedRequestContext
    let reports: ReportService

    struct IndexEntry: Encodable, Sendable {
        let name: String
        let title: String
        let summary: String
        let filters: [String]
        let href: String
    }

    struct Index: ResponseEncodable, Sendable {
        let audience: String
        let reports: [IndexEntry]
    }

    func register(on group: RouterGroup<Context>) {
        group.get("/reports", use: index)
        group.get("/reports/{name}", use: report)
    }

    static func format(_ request: Request) throws -> ReportService.Format {
        if let text = request.uri.queryParameters["format"] {
            guard let format = ReportService.Format(rawValue: String(text)) else {
                throw Problem(.badRequest, detail: "format must be json, csv or html")
            }
            return format
        }
        let accept = request.headers[.accept] ?? ""
        if accept.contains("text/csv") { return .csv }
        if accept.contains("text/html") { return .html }
        return .json
    }

    static func respond(_ text: String, as format: ReportService.Format) -> Response {
        var headers: HTTPFields = [.contentType: format.contentType]
        // Reports change with every filing: never served from a shared cache.
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func index(_ request: Request, context: Context) async throws -> Response {
        let office = request.uri.queryParameters["office"].map(String.init)
        let audience = try reports.audience(for: context.actor, office: office)
        let format = try Self.format(request)
        switch format {
        case .html:
            return Self.respond(ReportService.index(audience.reports, audience: audience), as: .html)
        case .csv:
            throw Problem(.badRequest, detail: "the list of reports is JSON or HTML; each report is also CSV")
        case .json:
            let entries = audience.reports.map {
                IndexEntry(
                    name: $0.rawValue, title: $0.title, summary: $0.summary, filters: $0.filters.map(\.rawValue), href: "/v1/reports/\($0.rawValue)")
            }
            let body = try oversightResponseEncoder.encode(Index(audience: audience.description, reports: entries))
            return Self.respond(String(decoding: body, as: UTF8.self), as: .json)
        }
    }

    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        guard let name = context.parameters.get("name").flatMap(ReportName.init(rawValue:)) else {
            throw Problem(.unknownReport, detail: "reports: \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let query = request.uri.queryParameters
        let value = { (key: String) -> String? in query[key[...]].map(String.init) }
        let format = try Self.format(request)
        let period = try reports.period(from: value("from"), to: value("to"))
        let filters = try reports.filters(
            office: value("office"), kind: value("kind"), region: value("region"), countryOffice: value("country_office"))
        let audience = try reports.audience(for: context.actor, office: filters.office)
        let document = try await reports.document(name, period: period, filters: filters, audience: audience)
        return Self.respond(try ReportService.render(document, as: format), as: format)
    }
}
