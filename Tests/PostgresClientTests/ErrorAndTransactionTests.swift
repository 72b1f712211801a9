import PostgresClient
import PostgresTestSupport
import Testing

@Suite(.temporaryPostgres)
struct ErrorAndTransactionTests {
    @Test func uniqueViolationCarriesSQLStateAndConstraint() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE offices (code text CONSTRAINT offices_code_key UNIQUE)")
            try await pool.query("INSERT INTO offices (code) VALUES (\("OIG"))")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO offices (code) VALUES (\("OIG"))")
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.constraint == "offices_code_key")
            #expect(error?.table == "offices")
            #expect(error?.severity == "ERROR")
            #expect(error?.detail?.contains("OIG") == true)
            // What gets logged names the SQLSTATE and the constraint, never the row's values.
            let logged = "\(error.map { $0 as any Error } ?? PostgresError(code: .server, message: ""))"
            #expect(logged.contains("23505") && logged.contains("offices_code_key"))
            #expect(!logged.contains("OIG"), "\(logged)")
        }
    }

    @Test func syntaxErrorCarries42601() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELEC 1") }
            #expect(error?.sqlState == .syntaxError)
            #expect(error?.query == "SELEC 1")
        }
    }

    struct Refusal: Error {}

    @Test func thrownErrorRollsBackTheTransaction() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE notes (body text)")
            await #expect(throws: Refusal.self) {
                try await pool.withTransaction { connection in
                    try connection.query("INSERT INTO notes (body) VALUES (\("half-written"))")
                    throw Refusal()
                }
            }
            let rows = try await pool.query("SELECT count(*) AS n FROM notes")
            #expect(try rows[0].decode("n", as: Int.self) == 0)

            let committed = try await pool.withTransaction(isolation: .serializable) { connection in
                try connection.execute("INSERT INTO notes (body) VALUES (\("kept"))")
            }
            #expect(committed == 1)
            let after = try await pool.query("SELECT count(*) AS n FROM notes")
            #expect(try after[0].decode("n", as: Int.self) == 1)
        }
    }

    @Test func connectionReturnedMidTransactionIsRolledBack() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE drafts (body text)")
            try await pool.withConnection { connection in
                try await connection.query("BEGIN")
                try await connection.query("INSERT INTO drafts (body) VALUES (\("abandoned"))")
            }
            let rows = try await pool.query("SELECT count(*) AS n FROM drafts")
            #expect(try rows[0].decode("n", as: Int.self) == 0)
            #expect(await pool.statistics.open == 1)
        }
    }

    @Test func serializationFailuresAreRetried() async throws {
        try await suitePostgres().withPool(maxConnections: 4) { pool in
            try await pool.query("CREATE TABLE counter (n int8 NOT NULL)")
            try await pool.query("INSERT INTO counter VALUES (0)")
            // Concurrent serializable read-modify-write: conflicts are certain, retries cure them.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await pool.withRetryingTransaction(isolation: .serializable, maxAttempts: 50) { connection in
                            let rows = try connection.query("SELECT n FROM counter")
                            let n = try rows[0].decode("n", as: Int.self)
                            try connection.execute("UPDATE counter SET n = \(n + 1)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await pool.query("SELECT n FROM counter")
            #expect(try rows[0].decode("n", as: Int.self) == 8)
        }
    }

    @Test func copyFromStdinLoadsRows() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE staff (name text, office text)")
            var encoder = CopyTextEncoder()
            for index in 0..<1000 {
                encoder.field("name \(index)\twith tab\\ and \n newline")
                encoder.field(index.isMultiple(of: 2) ? "OIG" : nil)
                encoder.endRow()
            }
            let bytes = encoder.bytes
            let copied = try await pool.withConnection { connection in
                try await connection.copyFromStdin("COPY staff (name, office) FROM STDIN", data: bytes)
            }
            #expect(copied == 1000)
            let rows = try await pool.query(
                "SELECT count(*) AS n, count(office) AS with_office, max(name) FILTER (WHERE name LIKE 'name 999%') AS last FROM staff")
            #expect(try rows[0].decode("n", as: Int.self) == 1000)
            #expect(try rows[0].decode("with_office", as: Int.self) == 500)
            #expect(try rows[0].decode("last", as: String.self) == "name 999\twith tab\\ and \n newline")
        }
    }

    @Test func badCopyDataFailsAndLeavesConnectionUsable() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE numbers (n int8)")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try await connection.copyFromStdin("COPY numbers (n) FROM STDIN", data: Array("1\nnot a number\n".utf8))
                }
            }
            #expect(error?.sqlState?.errorClass == "22")
            let rows = try await pool.query("SELECT count(*) AS n FROM numbers")
            #expect(try rows[0].decode("n", as: Int.self) == 0)
        }
    }
}
