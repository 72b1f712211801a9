import PostgresClient
import PostgresTestSupport
import Testing

/// Statements sent together in one round trip: a transaction's BEGIN with its first
/// statement, and what `sendWithNext` holds back.
@Suite(.temporaryPostgres)
struct PipelineTests {
    @Test func theBeginAndAHeldBackSettingTravelWithTheFirstRead() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let setting = try await pool.withTransaction(isolation: .repeatableRead) { connection in
                connection.sendWithNext("SELECT set_config('oversight.actor', \("oig-lead"), true)")
                let rows = try connection.query(
                    "SELECT current_setting('oversight.actor') AS actor, current_setting('transaction_isolation') AS isolation"
                )
                return try rows[0].decode("actor", as: String.self) + "/" + rows[0].decode("isolation", as: String.self)
            }
            // The BEGIN's isolation level holds and the setting is seen by the read after it.
            #expect(setting == "oig-lead/repeatable read")
            // The setting was the transaction's own: it is gone after COMMIT.
            let after = try await pool.query("SELECT coalesce(current_setting('oversight.actor', true), '') AS actor")
            #expect(try after[0].decode("actor", as: String.self) == "")
        }
    }

    @Test func aHeldBackErrorIsThrownByTheNextStatementAndRollsBack() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE events (seq int8 PRIMARY KEY)")
            try await pool.query("INSERT INTO events VALUES (1)")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    connection.sendWithNext("INSERT INTO events VALUES (\(2))")
                    connection.sendWithNext("INSERT INTO events VALUES (\(1))")
                    // Skipped by the server: the duplicate before it failed.
                    try connection.query("INSERT INTO events VALUES (\(3))")
                }
            }
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.query == "INSERT INTO events VALUES ($1)")
            let rows = try await pool.query("SELECT array_agg(seq ORDER BY seq)::text AS seqs FROM events")
            #expect(try rows[0].decode("seqs", as: String.self) == "{1}")
            // The connection is whole again: the next transaction works on it.
            try await pool.withTransaction { connection in
                connection.sendWithNext("INSERT INTO events VALUES (\(4))")
            }
            let later = try await pool.query("SELECT array_agg(seq ORDER BY seq)::text AS seqs FROM events")
            #expect(try later[0].decode("seqs", as: String.self) == "{1,4}")
            #expect(await pool.statistics.connectionsOpened == 1)
        }
    }

    @Test func anErrorAtCommitTimeRollsBackWhatWasHeldBack() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE commit_notes (body text NOT NULL)")
            await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try connection.query("INSERT INTO commit_notes VALUES (\("first"))")
                    connection.sendWithNext("INSERT INTO commit_notes VALUES (\(String?.none))")
                }
            }
            let rows = try await pool.query("SELECT count(*) AS n FROM commit_notes")
            #expect(try rows[0].decode("n", as: Int.self) == 0)
        }
    }

    @Test func aStatementPreparedInAPipelineIsPreparedOnce() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let lookup: PostgresQuery = ("SELECT \(41) + 1 AS answer" as PostgresQuery).prepared()
            for _ in 0..<3 {
                let answer = try await pool.withTransaction { connection in
                    connection.sendWithNext(("SELECT set_config('oversight.actor', \("x"), true)" as PostgresQuery).prepared())
                    return try connection.query(lookup)[0].decode("answer", as: Int.self)
                }
                #expect(answer == 42)
            }
            let prepared = try await pool.withConnection { connection in
                try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements")
            }
            #expect(try prepared[0].decode("n", as: Int.self) == 2)
        }
    }

    @Test func aFailedPrepareInAPipelineIsNotRemembered() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let broken: PostgresQuery = ("SELEC \(1)" as PostgresQuery).prepared()
            for _ in 0..<2 {
                let error = await #expect(throws: PostgresError.self) {
                    try await pool.withTransaction { connection in try connection.query(broken) }
                }
                #expect(error?.sqlState == .syntaxError)
            }
            let rows = try await pool.query("SELECT 1 AS one")
            #expect(try rows[0].decode("one", as: Int.self) == 1)
        }
    }

    @Test func aOneStatementTransactionCommitsOrLeavesNothing() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE advice_notes (body text NOT NULL)")
            let rows = try await pool.withConnection { connection in
                try await connection.withOneStatementTransaction(isolation: .serializable) { connection in
                    connection.sendWithNext("SELECT set_config('oversight.actor', \("ethics-lead"), true)")
                    return
                        "INSERT INTO advice_notes VALUES (current_setting('oversight.actor') || '/' || current_setting('transaction_isolation')) RETURNING body"
                }
            }
            #expect(try rows[0].decode("body", as: String.self) == "ethics-lead/serializable")
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try await connection.withOneStatementTransaction { connection in
                        connection.sendWithNext("INSERT INTO advice_notes VALUES (\("held back"))")
                        return "INSERT INTO advice_notes VALUES (\(String?.none))"
                    }
                }
            }
            let bodies = try await pool.query("SELECT array_agg(body)::text AS bodies FROM advice_notes")
            #expect(try bodies[0].decode("bodies", as: String.self) == "{ethics-lead/serializable}")
            // Neither a transaction left open nor a connection lost.
            #expect(try await pool.withConnection { connection in await connection.isInTransaction } == false)
            #expect(await pool.statistics.connectionsOpened == 1)
        }
    }

    @Test func aStatementTwiceInOnePipelineIsPreparedOnceAndNamesAreNotReused() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            try await pool.query("CREATE TABLE chain (seq int8 PRIMARY KEY)")
            try await pool.withTransaction { connection in
                connection.sendWithNext(("INSERT INTO chain VALUES (\(1))" as PostgresQuery).prepared())
                connection.sendWithNext(("INSERT INTO chain VALUES (\(2))" as PostgresQuery).prepared())
            }
            // Statements prepared after it get names of their own (a reused name would fail).
            for number in 3...5 {
                try await pool.withTransaction { connection in
                    try connection.execute(("INSERT INTO chain SELECT \(number) WHERE \(number) > \(0)" as PostgresQuery).prepared())
                    try connection.execute(("SELECT \(number) AS n, \("fresh") AS tag" as PostgresQuery).prepared())
                }
            }
            let rows = try await pool.query("SELECT array_agg(seq ORDER BY seq)::text AS seqs FROM chain")
            #expect(try rows[0].decode("seqs", as: String.self) == "{1,2,3,4,5}")
            let prepared = try await pool.withConnection { connection in
                try await connection.query("SELECT count(*) AS n FROM pg_prepared_statements")
            }
            #expect(try prepared[0].decode("n", as: Int.self) == 3)
        }
    }
}
