import PostgresClient

/// The two database logins of the service (SECURITY.md, "Database roles"): the owner of the
/// schema, used only to migrate (and for administrative loads such as the staff directory),
/// and the application login the service runs as. The application login is no superuser, owns
/// nothing, has no BYPASSRLS and is a member of no role that has: row security binds it.
public enum DatabaseRoles {
    public static let owner = "oversight_owner"
    public static let application = "oversight_service"

    /// The tables that hold case data: each must force row security.
    public static let caseTables = [
        "cases", "case_parties", "case_events", "comments", "case_links", "outbox", "escalations", "idempotency_keys", "case_keys",
        "notifications", "subject_views", "intake_receipts", "intake_sessions", "case_answers", "attachments", "attachment_chunks", "legal_holds",
        "case_search",
    ]

    /// Creates both logins when missing and hands the current database (and anything in it
    /// made before the owner existed) to the owner. Run as a superuser, on a server this
    /// process controls: the private PostgreSQL, a test server. Safe to run concurrently.
    public static func provision(_ connection: isolated PostgresConnection) throws {
        try connection.run(
            PostgresScript(
                """
                DO $$
                DECLARE
                    item record;
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_owner') THEN
                        BEGIN
                            CREATE ROLE oversight_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
                        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                        END;
                    END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_service') THEN
                        BEGIN
                            CREATE ROLE oversight_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
                        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                        END;
                    ELSIF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'oversight_service') THEN
                        -- Made NOLOGIN by an earlier version, which switched to it with SET ROLE.
                        ALTER ROLE oversight_service LOGIN;
                    END IF;
                    IF (SELECT datdba FROM pg_database WHERE datname = current_database()) <> 'oversight_owner'::regrole THEN
                        EXECUTE format('ALTER DATABASE %I OWNER TO oversight_owner', current_database());
                    END IF;
                    FOR item IN SELECT c.oid::regclass AS name FROM pg_class c
                                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
                                  AND c.relowner <> 'oversight_owner'::regrole LOOP
                        EXECUTE format('ALTER TABLE %s OWNER TO oversight_owner', item.name);
                    END LOOP;
                    FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                                WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'oversight_owner'::regrole LOOP
                        EXECUTE format('ALTER FUNCTION %s OWNER TO oversight_owner', item.name);
                    END LOOP;
                END
                $$
                """))
    }

    /// What would let the current login read past row security, or which case table does not
    /// force it; empty when the boundary holds. `serve` refuses to start otherwise.
    public static func boundaryProblems(_ connection: isolated PostgresConnection) throws -> [String] {
        var problems: [String] = []
        let login = try connection.query(
            """
            SELECT current_user AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
                   EXISTS (SELECT 1 FROM pg_roles s WHERE s.oid <> r.oid AND (s.rolsuper OR s.rolbypassrls)
                                                      AND pg_has_role(r.oid, s.oid, 'MEMBER')) AS inherits_bypass,
                   EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
                                                      AND pg_has_role(r.oid, c.relowner, 'MEMBER')) AS owns_tables
            FROM pg_roles r WHERE r.rolname = current_user
            """)
        if let row = login.first {
            let name: String = try row.decode("name")
            if try row.decode("superuser", as: Bool.self) { problems.append("the login \(name) is a superuser") }
            if try row.decode("bypass", as: Bool.self) { problems.append("the login \(name) has BYPASSRLS") }
            if try row.decode("inherits_bypass", as: Bool.self) { problems.append("the login \(name) is a member of a superuser or BYPASSRLS role") }
            if try row.decode("owns_tables", as: Bool.self) {
                problems.append("the login \(name) owns tables of the schema (or is a member of their owner)")
            }
        }
        let unforced = try connection.query(
            """
            SELECT t.name FROM unnest(\(caseTables)::text[]) AS t(name)
            LEFT JOIN pg_class c ON c.relname = t.name AND c.relnamespace = 'public'::regnamespace
            WHERE c.oid IS NULL OR NOT (c.relrowsecurity AND c.relforcerowsecurity)
            ORDER BY t.name
            """)
        for row in unforced {
            problems.append("the case table \(try row.decode("name", as: String.self)) does not force row security")
        }
        return problems
    }
}
