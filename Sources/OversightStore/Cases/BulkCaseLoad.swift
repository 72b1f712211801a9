import Foundation
import PostgresClient

/// Loads whole cases in bulk, through COPY, as the schema owner: what `oversight seed` uses to
/// fill a database for the bench and demos. The column lists of the COPY rows live here, with
/// the rest of the store's SQL; the seeder only makes rows in COPY text format.
package struct BulkCaseLoad: Sendable {
    package let pool: PostgresPool

    package init(pool: PostgresPool) {
        self.pool = pool
    }

    /// One batch of rows, each table's in its own row definition's binary COPY format.
    package struct Rows: Sendable {
        package var cases = CopyBinaryEncoder<CaseRecord>(reservingCapacity: 1 << 22)
        package var keys = CopyBinaryEncoder<StoredCaseKey>(reservingCapacity: 1 << 20)
        package var parties = CopyBinaryEncoder<CasePartyRow>(reservingCapacity: 1 << 20)
        package var events = CopyBinaryEncoder<CaseEvent>(reservingCapacity: 1 << 23)
        package var comments = CopyBinaryEncoder<CaseCommentRow>(reservingCapacity: 1 << 21)
        package var search = CopyBinaryEncoder<CaseSearchRow>(reservingCapacity: 1 << 21)

        package init() {}
    }

    /// How many cases there are (past row security, as the auditor job).
    package func caseCount() async throws -> Int {
        try await pool.withTransaction { connection in
            SessionScope.system(.auditor).apply(sharingOffices: [], connection)
            return try connection.query("SELECT count(*) AS n FROM cases")[0].decode("n", as: Int.self)
        }
    }

    /// The staff directory's people and offices.
    package func staff() async throws -> [(id: String, office: String)] {
        try await pool.query("SELECT person_id, office FROM staff_directory").map {
            (try $0.decode("person_id", as: String.self), try $0.decode("office", as: String.self))
        }
    }

    /// Loads one batch in one transaction. COPY cannot load a table whose row security
    /// applies to the loader: the owner lifts FORCE for this transaction only (DDL is
    /// transactional, no other session ever sees it lifted) and restores it before committing.
    /// The search index takes the batch's entries into its pending list and merges them once,
    /// at the end (Schema/0030: it keeps no pending list otherwise).
    package func load(_ rows: Rows) async throws {
        try await pool.withTransaction { connection in
            try connection.execute("SET LOCAL synchronous_commit = off")
            // The report rollups are rebuilt once after the whole load (`rebuildReportRollups`),
            // not row by row.
            try connection.execute("SET LOCAL oversight.rollups = 'deferred'")
            try connection.run(
                PostgresScript(
                    """
                    ALTER TABLE cases NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE case_parties NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_events NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE comments NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_search NO FORCE ROW LEVEL SECURITY;
                    ALTER INDEX case_search_tags_by_block SET (fastupdate = on)
                    """))
            try connection.copyFromStdin(CaseRecord.copyStatement, data: rows.cases.bytes)
            try connection.copyFromStdin(StoredCaseKey.copyStatement, data: rows.keys.bytes)
            try connection.copyFromStdin(CasePartyRow.copyStatement, data: rows.parties.bytes)
            try connection.copyFromStdin(CaseEvent.copyStatement, data: rows.events.bytes)
            try connection.copyFromStdin(CaseCommentRow.copyStatement, data: rows.comments.bytes)
            try connection.copyFromStdin(CaseSearchRow.copyStatement, data: rows.search.bytes)
            try connection.run(
                PostgresScript(
                    """
                    ALTER TABLE cases FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys FORCE ROW LEVEL SECURITY;
                    ALTER TABLE case_parties FORCE ROW LEVEL SECURITY; ALTER TABLE case_events FORCE ROW LEVEL SECURITY;
                    ALTER TABLE comments FORCE ROW LEVEL SECURITY; ALTER TABLE case_search FORCE ROW LEVEL SECURITY;
                    ALTER INDEX case_search_tags_by_block SET (fastupdate = off);
                    SELECT gin_clean_pending_list('case_search_tags_by_block'::regclass)
                    """))
        }
    }

    /// Rebuilds the report rollups from the raw rows (`report_backfill()`); the number of
    /// cells written.
    package func rebuildReportRollups() async throws -> Int {
        try await ReportRollup.rebuild(ownerPool: pool)
    }

    /// Fresh planner statistics after a large load.
    package func analyze() async throws {
        try await pool.query("ANALYZE cases")
        try await pool.query("ANALYZE case_events")
        try await pool.query("ANALYZE case_parties")
        try await pool.query("ANALYZE report_cells")
    }
}
