import PostgresClient

/// The role the service runs as (`Schema/0003_service_role.sql`): it owns no table and may
/// only read and append the history.
public enum ServiceRole {
    public static let name = "oversight_service"

    /// Whether the role exists and this login may switch to it.
    public static func isAvailable(_ pool: PostgresPool) async throws -> Bool {
        let rows = try await pool.query("""
            SELECT pg_has_role(current_user, oid, 'MEMBER') AS member FROM pg_roles WHERE rolname = 'oversight_service'
            """)
        return try rows.first?.decode("member", as: Bool.self) ?? false
    }
}
