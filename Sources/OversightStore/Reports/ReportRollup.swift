import OversightDomain
import PostgresClient

/// The report rollup as reports read it: the folded cells (`report_cells`) and the changes not
/// folded yet (`report_cell_changes`, Schema/0016), or the same cells recomputed from the raw
/// rows (`report_cells_raw`): what the rollup must equal, and the naive GROUP BY the bench
/// compares it with.
///
/// The folded cells change only when a fold commits, about once a second, and each fold logs
/// what it added (Schema/0018). A query's folded cells are kept with the fold they were read
/// at; a later read adds the logged cells of the folds since and the changes not folded yet,
/// both from one statement, so one snapshot: a second's worth of rows instead of the rollup.
public struct ReportRollup: RollupSource {
    public enum Source: Sendable {
        /// The rollup kept with every change.
        case rollup
        /// Recomputed from cases and their history on every read.
        case raw
    }

    let pool: PostgresPool
    let source: Source
    let folded: FoldedCellCache

    /// `pool`: the primary, or a streaming replica of it (`OVERSIGHT_REPORT_DATABASE_URL`).
    public init(pool: PostgresPool, source: Source = .rollup) {
        self.pool = pool
        self.source = source
        self.folded = FoldedCellCache()
    }

    public func counts(_ query: RollupQuery) async throws -> [RollupCount] {
        try await counts([query])[query] ?? []
    }

    public func counts(_ queries: [RollupQuery]) async throws -> [RollupQuery: [RollupCount]] {
        // In the order asked, once each: the statement's text follows the order, and a prepared
        // statement is kept per text.
        var seen = Set<RollupQuery>()
        let queries = queries.filter { seen.insert($0).inserted }
        switch source {
        case .raw:
            // The raw rows are under row security: read them as a job that sees every case.
            let statements = queries.map { Self.grouped($0, from: "report_cells_raw") }
            let answers = try await pool.withTransaction { connection in
                SessionScope.system(.reporting).apply(sharingOffices: [], connection)
                return try statements.map { try connection.query($0) }
            }
            var result: [RollupQuery: [RollupCount]] = [:]
            for (query, rows) in zip(queries, answers) { result[query] = try rows.map { try Self.cell($0, keep: query.keep) } }
            return result
        case .rollup:
            var result: [RollupQuery: [RollupCount]] = [:]
            var (stale, behind) = try await read(queries, keepingFolded: true, into: &result)
            if !behind.isEmpty {
                // A fold committed after this statement began, and another reader has moved
                // the kept cells on to it already: a new statement sees that fold too.
                let again = try await read(behind, keepingFolded: true, into: &result)
                stale += again.stale + again.behind
            }
            if !stale.isEmpty { _ = try await read(stale, keepingFolded: false, into: &result) }
            return result
        }
    }

    /// Reads `queries` in one statement: for each, the folded cells logged since the fold its
    /// kept cells are at (all of the folded cells when none are kept, or `keepingFolded` is
    /// false) and the changes not folded yet. Returns the queries whose kept cells turned out
    /// too old (another epoch, or folds no longer logged), to be read again whole, and those
    /// whose kept cells are of a fold later than this statement saw, to be read again.
    private func read(_ queries: [RollupQuery], keepingFolded: Bool, into result: inout [RollupQuery: [RollupCount]]) async throws
        -> (stale: [RollupQuery], behind: [RollupQuery])
    {
        let kept = queries.map { keepingFolded ? folded.entry($0) : nil }
        // The changes and the logged folds are read once for all the queries: a table emptied
        // every second can be many pages long for a few rows.
        let oldestKept = kept.compactMap { $0?.fold }.min()
        var statement: PostgresQuery = "WITH changes AS MATERIALIZED (SELECT * FROM report_cell_changes)"
        if let oldestKept { statement.append(", logged AS MATERIALIZED (SELECT * FROM report_fold_deltas WHERE fold > \(oldestKept))") }
        statement.append(
            """
             SELECT g.epoch::text AS epoch, g.fold, (SELECT min(fold) FROM report_fold_deltas) AS oldest_logged, q.*
            FROM report_fold_generation g LEFT JOIN (
            """)
        for (index, query) in queries.enumerated() {
            if index > 0 { statement.append(" UNION ALL ") }
            let foldedCells =
                kept[index].map { Self.grouped(query, from: "logged", afterFold: $0.fold) } ?? Self.grouped(query, from: "report_cells")
            statement.append(Self.tagged(foldedCells, query: index, folded: true))
            statement.append(" UNION ALL ")
            statement.append(Self.tagged(Self.grouped(query, from: "changes"), query: index, folded: false))
        }
        statement.append(") q ON true")
        // Prepared: planning the statement takes longer than running it, and its text is one
        // of a few dozen (the values are bound).
        let rows = try await pool.query(statement.prepared())
        let epoch = try rows[0].decode("epoch", as: String.self)
        let fold = try rows[0].decode("fold", as: Int.self)
        let oldestLogged = try rows[0].decode("oldest_logged", as: Int?.self)
        var foldedRows = Array(repeating: [RollupCount](), count: queries.count)
        var changes = Array(repeating: [RollupCount](), count: queries.count)
        for row in rows where !row.isNull("measure") {
            let index = try row.decode("query", as: Int.self)
            let cell = try Self.cell(row, keep: queries[index].keep)
            if try row.decode("folded", as: Bool.self) { foldedRows[index].append(cell) } else { changes[index].append(cell) }
        }
        var stale: [RollupQuery] = []
        var behind: [RollupQuery] = []
        for (index, query) in queries.enumerated() {
            var cells: FoldedCells
            if let kept = kept[index] {
                if kept.epoch == epoch, kept.fold > fold {
                    behind.append(query)
                    continue
                }
                // The log covers every fold since the kept one (a fold that netted to nothing
                // logs nothing, and then the cells are read again: rare and harmless).
                guard kept.epoch == epoch, kept.fold == fold || (oldestLogged.map { $0 <= kept.fold + 1 } ?? false)
                else {
                    stale.append(query)
                    continue
                }
                cells = fold == kept.fold ? kept.cells : FoldedCells(kept.cells.adding(foldedRows[index]))
            } else {
                folded.countWholeRead()
                cells = FoldedCells(foldedRows[index])
            }
            if kept[index]?.fold != fold { folded.store(cells, for: query, epoch: epoch, fold: fold) }
            result[query] = cells.adding(changes[index])
        }
        return (stale, behind)
    }

    /// `rows` with the index of the query they answer and whether they are folded cells.
    static func tagged(_ rows: PostgresQuery, query index: Int, folded: Bool) -> PostgresQuery {
        var sql: PostgresQuery = "SELECT \(index)::integer AS query, \(folded) AS folded, r.* FROM ("
        sql.append(rows)
        sql.append(") r")
        return sql
    }

    /// The query's cells from one table or view of cells, summed over what it does not keep.
    static func grouped(_ query: RollupQuery, from table: StaticString, afterFold: Int? = nil) -> PostgresQuery {
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
        sql.append(" FROM ")
        sql.append(PostgresQuery(stringLiteral: table))
        sql.append(" WHERE measure = ANY(\(query.measures.map(\.rawValue)))")
        // Only the conditions asked for, so that the plan uses the (measure, period, ...) key.
        if let afterFold { sql.append(" AND fold > \(afterFold)") }
        if let from = query.from { sql.append(" AND period >= \(from.description)::date") }
        if let to = query.to { sql.append(" AND period < \(to.description)::date") }
        if let periods = query.periods { sql.append(" AND period = ANY(\(periods.map(\.description))::date[])") }
        if let excluding = query.excluding { sql.append(" AND NOT period = ANY(\(excluding.map(\.description))::date[])") }
        if let offices = query.offices { sql.append(" AND office = ANY(\(offices))") }
        if let kinds = query.kinds { sql.append(" AND kind = ANY(\(kinds))") }
        if let regions = query.regions { sql.append(" AND region = ANY(\(regions))") }
        if let countryOffices = query.countryOffices { sql.append(" AND country_office = ANY(\(countryOffices))") }
        sql.append(" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0")
        return sql
    }

    static func cell(_ row: PostgresRow, keep: Set<RollupDimension>) throws -> RollupCount {
        func text(_ column: String, _ dimension: RollupDimension) throws -> String {
            keep.contains(dimension) ? try row.decode(column, as: String.self) : ""
        }
        guard let measure = RollupCount.Measure(rawValue: try row.decode("measure", as: String.self)),
            let period = CalendarDay(try row.decode("period", as: String.self))
        else { throw ReportRollupError.unknownCell }
        return RollupCount(
            measure: measure, period: period, office: try row.decode("office", as: String.self), kind: try row.decode("kind", as: String.self),
            category: try row.decode("category", as: String.self), region: try text("region", .region),
            countryOffice: try text("country_office", .countryOffice), confinement: try row.decode("confinement", as: String.self),
            state: try text("state", .state), outcome: try text("outcome", .outcome), priority: try text("priority", .priority),
            ownerOffice: try text("owner_office", .ownerOffice), ioaCategory: try text("ioa_category", .ioaCategory),
            visitorType: try text("visitor_type", .visitorType), days: keep.contains(.days) ? try row.decode("days", as: Int.self) : 0,
            n: try row.decode("n", as: Int.self))
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
