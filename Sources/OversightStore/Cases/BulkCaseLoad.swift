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

    /// One batch of rows in COPY text format, one buffer a table, in these column orders.
    package struct Rows: Sendable {
        /// id, reference, kind, workflow_version_id, office, state, category, priority,
        /// priority_rank, title, narrative, region, country_office, filed_by, assignee,
        /// routing_rule, snapshot, due_at, next_escalation_at, opened_at, closed_at, outcome,
        /// version, event_seq, event_hash, updated_at, subject_ids
        package var cases: [UInt8]
        /// case_id, key
        package var keys: [UInt8]
        /// case_id, person_id, role, added_by, added_at
        package var parties: [UInt8]
        /// case_id, seq, kind, actor, at, data, prev_hash, hash
        package var events: [UInt8]
        /// id, case_id, author, visibility, body, created_at
        package var comments: [UInt8]

        package init(cases: [UInt8], keys: [UInt8], parties: [UInt8], events: [UInt8], comments: [UInt8]) {
            self.cases = cases
            self.keys = keys
            self.parties = parties
            self.events = events
            self.comments = comments
        }
    }

    /// How many cases there are (past row security, as the auditor job).
    package func caseCount() async throws -> Int {
        try await pool.withTransaction { connection in
            try SessionScope.system(.auditor).apply(sharingOffices: [], connection)
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
    package func load(_ rows: Rows) async throws {
        try await pool.withTransaction { connection in
            try connection.execute("SET LOCAL synchronous_commit = off")
            try connection.run(
                PostgresScript(
                    """
                    ALTER TABLE cases NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE case_parties NO FORCE ROW LEVEL SECURITY; ALTER TABLE case_events NO FORCE ROW LEVEL SECURITY;
                    ALTER TABLE comments NO FORCE ROW LEVEL SECURITY
                    """))
            try connection.copyFromStdin(
                """
                COPY cases (id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title,
                    narrative, region, country_office, filed_by, assignee, routing_rule, snapshot, due_at, next_escalation_at,
                    opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, subject_ids) FROM STDIN
                """, data: rows.cases)
            try connection.copyFromStdin("COPY case_keys (case_id, key) FROM STDIN", data: rows.keys)
            try connection.copyFromStdin("COPY case_parties (case_id, person_id, role, added_by, added_at) FROM STDIN", data: rows.parties)
            try connection.copyFromStdin("COPY case_events (case_id, seq, kind, actor, at, data, prev_hash, hash) FROM STDIN", data: rows.events)
            try connection.copyFromStdin("COPY comments (id, case_id, author, visibility, body, created_at) FROM STDIN", data: rows.comments)
            try connection.run(
                PostgresScript(
                    """
                    ALTER TABLE cases FORCE ROW LEVEL SECURITY; ALTER TABLE case_keys FORCE ROW LEVEL SECURITY;
                    ALTER TABLE case_parties FORCE ROW LEVEL SECURITY; ALTER TABLE case_events FORCE ROW LEVEL SECURITY;
                    ALTER TABLE comments FORCE ROW LEVEL SECURITY
                    """))
        }
    }

    /// Fresh planner statistics after a large load.
    package func analyze() async throws {
        try await pool.query("ANALYZE cases")
        try await pool.query("ANALYZE case_events")
        try await pool.query("ANALYZE case_parties")
    }
}
