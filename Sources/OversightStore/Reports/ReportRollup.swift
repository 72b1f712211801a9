import OversightDomain
import PostgresClient

/// The report rollup (`report_cells`, Schema/0015) as reports read it, or the same cells
/// recomputed from the raw rows (`report_cells_raw`): what the rollup must equal, and the
/// naive GROUP BY the bench compares it with.
public struct ReportRollup: RollupSource {
    public enum Source: Sendable {
        /// The rollup kept with every change.
        case rollup
        /// Recomputed from cases and their history on every read.
        case raw
    }

    let pool: PostgresPool
    let source: Source

    /// `pool`: the primary, or a streaming replica of it (`OVERSIGHT_REPORT_DATABASE_URL`).
    public init(pool: PostgresPool, source: Source = .rollup) {
        self.pool = pool
        self.source = source
    }

    public func counts(_ query: RollupQuery) async throws -> [RollupCount] {
        var sql: PostgresQuery
        switch source {
        case .rollup:
            sql = """
                SELECT measure, period::text AS period, office, kind, category, region, country_office, confinement, state, outcome,
                       priority, owner_office, ioa_category, visitor_type, days, sum(n)::bigint AS n
                FROM report_cells WHERE measure = ANY(\(query.measures.map(\.rawValue)))
                """
        case .raw:
            sql = """
                SELECT measure, period::text AS period, office, kind, category, region, country_office, confinement, state, outcome,
                       priority, owner_office, ioa_category, visitor_type, days, sum(n)::bigint AS n
                FROM report_cells_raw WHERE measure = ANY(\(query.measures.map(\.rawValue)))
                """
        }
        // Only the conditions asked for, so that the plan uses the (measure, period, ...) key.
        if let from = query.from { sql.append(" AND period >= \(from.description)::date") }
        if let to = query.to { sql.append(" AND period < \(to.description)::date") }
        if let periods = query.periods { sql.append(" AND period = ANY(\(periods.map(\.description))::date[])") }
        if let offices = query.offices { sql.append(" AND office = ANY(\(offices))") }
        if let kinds = query.kinds { sql.append(" AND kind = ANY(\(kinds))") }
        if let regions = query.regions { sql.append(" AND region = ANY(\(regions))") }
        if let countryOffices = query.countryOffices { sql.append(" AND country_office = ANY(\(countryOffices))") }
        sql.append(" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0")
        let statement = sql
        let rows: PostgresRows
        switch source {
        case .rollup:
            rows = try await pool.query(statement)
        case .raw:
            // The raw rows are under row security: read them as a job that sees every case.
            rows = try await pool.withTransaction { connection in
                try SessionScope.system(.reporting).apply(sharingOffices: [], connection)
                return try connection.query(statement)
            }
        }
        return try rows.map { row in
            guard let measure = RollupCount.Measure(rawValue: try row.decode("measure", as: String.self)),
                let period = CalendarDay(try row.decode("period", as: String.self))
            else { throw ReportRollupError.unknownCell }
            return RollupCount(
                measure: measure, period: period, office: try row.decode("office", as: String.self), kind: try row.decode("kind", as: String.self),
                category: try row.decode("category", as: String.self), region: try row.decode("region", as: String.self),
                countryOffice: try row.decode("country_office", as: String.self), confinement: try row.decode("confinement", as: String.self),
                state: try row.decode("state", as: String.self), outcome: try row.decode("outcome", as: String.self),
                priority: try row.decode("priority", as: String.self), ownerOffice: try row.decode("owner_office", as: String.self),
                ioaCategory: try row.decode("ioa_category", as: String.self), visitorType: try row.decode("visitor_type", as: String.self),
                days: try row.decode("days", as: Int.self), n: try row.decode("n", as: Int.self))
        }
    }

    /// Rebuilds the rollup from the raw rows (`report_backfill()`, the schema owner's): after a
    /// bulk load or a migration that changes what a cell counts. Returns the cells written.
    public static func rebuild(ownerPool: PostgresPool) async throws -> Int {
        try await ownerPool.query("SELECT report_backfill() AS cells")[0].decode("cells", as: Int.self)
    }
}

public enum ReportRollupError: Error, CustomStringConvertible {
    case unknownCell

    public var description: String { "report_cells holds a measure or period this version does not know; run oversight migrate" }
}
