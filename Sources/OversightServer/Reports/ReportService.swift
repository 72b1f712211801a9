import Foundation
import OversightDomain
import OversightStore

/// The published reports: resolves who reads, checks the period and filters, builds the
/// document from the rollup (on the primary or the report replica) and renders it.
public struct ReportService: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case json, csv, html

        public var contentType: String {
            switch self {
            case .json: "application/json"
            case .csv: "text/csv; charset=utf-8"
            case .html: "text/html; charset=utf-8"
            }
        }
    }

    let source: any RollupSource
    let configuration: OversightConfiguration
    let clock: @Sendable () -> Date

    public init(source: any RollupSource, configuration: OversightConfiguration, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.configuration = configuration
        self.clock = clock
    }

    /// The period from query values; the twelve months to the current one when both are absent.
    public func period(from: String?, to: String?) throws -> ReportPeriod {
        let today = CalendarDay(clock())
        let fallback = ReportPeriod.twelveMonths(endingWith: today)
        do {
            return try ReportPeriod(from: from ?? (to == nil ? fallback.from : to!), to: to ?? fallback.to)
        } catch {
            throw Problem(.invalidReportPeriod, detail: error.description)
        }
    }

    /// Filters from query values, each checked against the configuration.
    public func filters(office: String?, kind: String?, region: String?, countryOffice: String?) throws -> ReportFilters {
        if let office, OfficeCode(office).flatMap(configuration.offices.office) == nil {
            throw Problem(.invalidReportFilter, detail: "unknown office \"\(office)\"")
        }
        if let kind, configuration.workflow(CaseKind(kind)) == nil {
            throw Problem(.invalidReportFilter, detail: "unknown case kind \"\(kind)\"")
        }
        if let problem = configuration.offices.placeProblem(region: region, countryOffice: countryOffice) {
            throw Problem(.invalidReportFilter, detail: problem)
        }
        return ReportFilters(office: office, kind: kind, region: region, countryOffice: countryOffice)
    }

    public func audience(for actor: Actor, office: String?) throws -> ReportAudience {
        guard
            let audience = ReportAudience.resolve(
                actor, office: office.flatMap(OfficeCode.init), settings: configuration.reports, offices: configuration.offices)
        else {
            throw Problem(.forbidden, detail: "reports are read by an office's members, executives, report readers and the Gender Coordination Unit")
        }
        return audience
    }

    public func document(_ name: ReportName, period: ReportPeriod, filters: ReportFilters, audience: ReportAudience) async throws -> ReportDocument {
        let request = ReportRequest(name: name, period: period, filters: filters, audience: audience, asOf: CalendarDay(clock()))
        do {
            return try await ReportBuilder(settings: configuration.reports).build(request, from: source)
        } catch ReportBuilder.Refusal.notForAudience {
            throw Problem(.forbidden, detail: "the \(name.rawValue) report is not among those prepared for \(audience)")
        } catch ReportBuilder.Refusal.unsupportedFilter(let filter) {
            throw Problem(
                .invalidReportFilter,
                detail:
                    "the \(name.rawValue) report is not cut by \(filter.rawValue) (it takes: \(name.filters.map(\.rawValue).joined(separator: ", ")))"
            )
        }
    }

    public static func render(_ document: ReportDocument, as format: Format) throws -> String {
        switch format {
        case .json: try ReportJSON.render(document)
        case .csv: ReportCSV.render(document)
        case .html: ReportHTML.render(document)
        }
    }

    public static func index(_ reports: [ReportName], audience: ReportAudience) -> String { ReportHTML.index(reports, audience: audience) }
}
