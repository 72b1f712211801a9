import Foundation
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// The database is a boundary, not a convention (SECURITY.md): the service logs in as an
/// application login that no statement can turn into the owner or a superuser, every table
/// with case data forces row security on it, and its grants are the least the store needs.
@Suite(.temporaryPostgres)
struct DatabaseBoundaryTests {
    func applicationPool(_ api: CaseAPIHarness) -> PostgresPool {
        PostgresPool(.init(options: api.options.user(DatabaseRoles.application), maxConnections: 1))
    }

    @Test func everyTableWithCaseDataForcesRowSecurityAndTheLoginCannotBypassIt() async throws {
        try await CaseAPIHarness.run { api in
            // Every table that holds case rows or rows of a case, found in the catalog.
            let tables = try await api.adminPool.query(
                """
                SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
                FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                  AND (c.relname IN ('cases', 'notifications')
                       OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'case_id'))
                ORDER BY c.relname
                """)
            #expect(tables.count >= 9)
            for row in tables {
                let name: String = try row.decode("name")
                #expect(DatabaseRoles.caseTables.contains(name), "\(name) holds case data but is not among the checked tables")
                #expect(try row.decode("enabled", as: Bool.self) && row.decode("forced", as: Bool.self), "\(name) does not force row security")
            }
            let application = applicationPool(api)
            #expect(try await application.withTransaction { try DatabaseRoles.boundaryProblems($0) } == [])
            // Controls: the superuser and the owner would each be refused as the service's login.
            let asSuperuser = try await api.adminPool.withTransaction { try DatabaseRoles.boundaryProblems($0) }
            #expect(asSuperuser.contains { $0.contains("is a superuser") })
            let owner = PostgresPool(.init(options: api.options.user(DatabaseRoles.owner), maxConnections: 1))
            let asOwner = try await owner.withTransaction { try DatabaseRoles.boundaryProblems($0) }
            #expect(asOwner.contains { $0.contains("owns tables") })
            await owner.close()
            await application.close()
        }
    }

    @Test func noStatementTurnsTheApplicationLoginIntoAnotherRole() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            _ = try await api.file(staff)
            let application = applicationPool(api)
            try await application.withConnection { connection in
                try await connection.execute("RESET ROLE")
                try await connection.execute("SET ROLE NONE")
                let who = try await connection.query("SELECT current_user AS name, session_user AS login")
                #expect(try who[0].decode("name", as: String.self) == DatabaseRoles.application)
                for statement: PostgresQuery in ["SET ROLE postgres", "SET ROLE oversight_owner", "SET SESSION AUTHORIZATION postgres"] {
                    let error = await #expect(throws: PostgresError.self) { try await connection.execute(statement) }
                    #expect(error?.sqlState == .insufficientPrivilege, "\(statement.sql)")
                }
                // Without an actor set, no case is there at all.
                #expect(try await connection.query("SELECT count(*) AS n FROM cases")[0].decode("n", as: Int.self) == 0)
                #expect(try await connection.query("SELECT count(*) AS n FROM case_events")[0].decode("n", as: Int.self) == 0)
            }
            #expect(try await api.count("SELECT count(*) AS n FROM cases") == 1)
            await application.close()
        }
    }

    @Test func grantsAreTheLeastTheStoreNeeds() async throws {
        try await CaseAPIHarness.run { api in
            func holds(_ privilege: String, on table: String, column: String? = nil) async throws -> Bool {
                let query: PostgresQuery =
                    column.map {
                        "SELECT has_column_privilege('oversight_service', \(table), \($0), \(privilege)) AS granted"
                    } ?? "SELECT has_table_privilege('oversight_service', \(table), \(privilege)) AS granted"
                return try await api.adminPool.query(query)[0].decode("granted", as: Bool.self)
            }
            let tables = try await api.adminPool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                .map { try $0.decode("tablename", as: String.self) }
            for table in tables {
                #expect(try await !holds("TRUNCATE", on: table), "TRUNCATE on \(table)")
                #expect(try await !holds("REFERENCES", on: table), "REFERENCES on \(table)")
                #expect(try await !holds("TRIGGER", on: table), "TRIGGER on \(table)")
            }
            for table in ["schema_migrations", "offices", "staff_directory"] {
                #expect(try await holds("SELECT", on: table))
                for privilege in ["INSERT", "UPDATE", "DELETE"] { #expect(try await !holds(privilege, on: table), "\(privilege) on \(table)") }
            }
            for table in ["cases", "case_events", "outbox", "case_links", "escalations", "workflow_versions", "case_keys"] {
                #expect(try await !holds("DELETE", on: table), "DELETE on \(table)")
            }
            for table in ["case_events", "outbox", "case_links", "escalations", "comments", "case_parties", "workflow_versions"] {
                #expect(try await !holds("UPDATE", on: table), "UPDATE on \(table)")
            }
            // A case never changes reference, kind, workflow or opening by an UPDATE.
            for column in ["id", "reference", "kind", "routing_rule", "opened_at", "workflow_version_id"] {
                #expect(try await !holds("UPDATE", on: "cases", column: column), "UPDATE of cases.\(column)")
            }
            #expect(try await holds("UPDATE", on: "cases", column: "state"))
            // Re-routing may move it and seal it, but a seal is never lifted, even by the owner.
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let sealed = try await api.file(staff, subjects: ["ig"])
            let lift = await #expect(throws: PostgresError.self) {
                try await api.adminPool.query("UPDATE cases SET sealed_from = '{}' WHERE reference = \(sealed)")
            }
            #expect(lift?.sqlState == .insufficientPrivilege)
        }
    }
}
