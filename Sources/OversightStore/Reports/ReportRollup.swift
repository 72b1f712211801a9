import OversightDomain
import PostgresClient

/// The report rollup as reports read it (`report_cells_now`: the folded cells and the changes
/// not folded yet, Schema/0016), or the same cells recomputed from the raw rows
/// (`report_cells_raw`): what the rollup must equal, and the naive GROUP BY the bench compares
/// it with.
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
        let keep = query.keep
        var sql: PostgresQuery = "SELECT measure, "
        switch query.periodGrouping {
        case .each:
            sql.append("period::text")
        case .all(let day):
            sql.append("\(day.description)::text")
        case .buckets(let bounds):
            let days = bounds.map(\.description)
            sql.append(
                """
                (CASE WHEN width_bucket(period, \(days)::date[]) = 0 THEN (\(days)::date[])[1] - 1
                      ELSE (\(days)::date[])[width_bucket(period, \(days)::date[])] END)::text
                """)
        }
        // The dimensions not kept are summed over: "" (0 for days) in every row.
        sql.append(
            """
             AS period, office, kind, category,
                CASE WHEN \(keep.contains(.region)) THEN region ELSE '' END AS region,
                CASE WHEN \(keep.contains(.countryOffice)) THEN country_office ELSE '' END AS country_office,
                confinement,
                CASE WHEN \(keep.contains(.state)) THEN state ELSE '' END AS state,
                CASE WHEN \(keep.contains(.outcome)) THEN outcome ELSE '' END AS outcome,
                CASE WHEN \(keep.contains(.priority)) THEN priority ELSE '' END AS priority,
                CASE WHEN \(keep.contains(.ownerOffice)) THEN owner_office ELSE '' END AS owner_office,
                CASE WHEN \(keep.contains(.ioaCategory)) THEN ioa_category ELSE '' END AS ioa_category,
                CASE WHEN \(keep.contains(.visitorType)) THEN visitor_type ELSE '' END AS visitor_type,
                CASE WHEN \(keep.contains(.days)) THEN days ELSE 0 END AS days, sum(n)::bigint AS n
            """)
        switch source {
        case .rollup: sql.append(" FROM report_cells_now")
        case .raw: sql.append(" FROM report_cells_raw")
        }
        sql.append(" WHERE measure = ANY(\(query.measures.map(\.rawValue)))")
        // Only the conditions asked for, so that the plan uses the (measure, period, ...) key.
        if let from = query.from { sql.append(" AND period >= \(from.description)::date") }
        if let to = query.to { sql.append(" AND period < \(to.description)::date") }
        if let periods = query.periods { sql.append(" AND period = ANY(\(periods.map(\.description))::date[])") }
        if let excluding = query.excluding { sql.append(" AND NOT period = ANY(\(excluding.map(\.description))::date[])") }
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
        func text(_ row: PostgresRow, _ column: String, _ dimension: RollupDimension) throws -> String {
            keep.contains(dimension) ? try row.decode(column, as: String.self) : ""
        }
        return try rows.map { row in
            guard let measure = RollupCount.Measure(rawValue: try row.decode("measure", as: String.self)),
                let period = CalendarDay(try row.decode("period", as: String.self))
            else { throw ReportRollupError.unknownCell }
            return RollupCount(
                measure: measure, period: period, office: try row.decode("office", as: String.self), kind: try row.decode("kind", as: String.self),
                category: try row.decode("category", as: String.self), region: try text(row, "region", .region),
                countryOffice: try text(row, "country_office", .countryOffice), confinement: try row.decode("confinement", as: String.self),
                state: try text(row, "state", .state), outcome: try text(row, "outcome", .outcome), priority: try text(row, "priority", .priority),
                ownerOffice: try text(row, "owner_office", .ownerOffice), ioaCategory: try text(row, "ioa_category", .ioaCategory),
                visitorType: try text(row, "visitor_type", .visitorType), days: keep.contains(.days) ? try row.decode("days", as: Int.self) : 0,
                n: try row.decode("n", as: Int.self))
        }
    }

    /// Folds up to `batch` cell changes into the rollup, deleting cells that came to zero
    /// (`report_fold`); the changes folded, fewer than `batch` when none are left.
    public static func fold(pool: PostgresPool, batch: Int = 20_000) async throws -> Int {
        try await pool.query("SELECT report_fold(\(batch)::integer) AS folded")[0].decode("folded", as: Int.self)
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
