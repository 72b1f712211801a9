import PostgresClient
import PostgresLocalServer
import PostgresTestSupport
import Testing

/// Serialized: the restart test takes the suite's server down for a moment.
@Suite(.temporaryPostgres, .serialized)
struct PoolTests {
    /// About sharing four connections among 200 tasks, not about how long the last one waits:
    /// the wait for a connection is a minute, not the harness's ten seconds, which a CI machine
    /// running every other suite at once once exceeded (the timeout has its own test below).
    @Test func twoHundredConcurrentTasksOverFourConnections() async throws {
        try await suitePostgres().withPool(maxConnections: 4, acquireTimeout: .seconds(60)) { pool in
            try await pool.query("CREATE TABLE filings (task int8 PRIMARY KEY)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<200 {
                    group.addTask { try await pool.query("INSERT INTO filings (task) VALUES (\(task))") }
                }
                try await group.waitForAll()
            }
            let rows = try await pool.query("SELECT count(*) AS n FROM filings")
            #expect(try rows[0].decode("n", as: Int.self) == 200)
            let statistics = await pool.statistics
            #expect(statistics.inUse == 0)
            #expect(statistics.waiting == 0)
            #expect(statistics.open <= 4)
            #expect(statistics.connectionsOpened <= 4)
            let backends = try await pool.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'test' AND datname = current_database()")
            #expect(try backends[0].decode("n", as: Int.self) == statistics.open)
        }
    }

    @Test func busyPoolTimesOutTheNextCaller() async throws {
        try await suitePostgres().withPool(maxConnections: 1, acquireTimeout: .milliseconds(200)) { pool in
            let holder = Task {
                try await pool.withConnection { connection in
                    try await connection.query("SELECT pg_sleep(1)")
                }
            }
            let holding = try await eventually { await pool.statistics.inUse == 1 }
            #expect(holding)
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .poolTimeout)
            #expect(await pool.statistics.timeouts == 1)
            holder.cancel()
            _ = try? await holder.value
            #expect(await pool.statistics.inUse == 0)
        }
    }

    @Test func reconnectsAfterBackendsAreTerminated() async throws {
        let postgres = try suitePostgres()
        try await postgres.withPool(maxConnections: 3) { pool in
            // Open all three connections at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await pool.query("SELECT pg_sleep(0.2)") } }
                try await group.waitForAll()
            }
            #expect(await pool.statistics.open == 3)
            try await postgres.withPool(maxConnections: 1) { admin in
                let rows = try await admin.query(
                    """
                    SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS terminated
                    FROM pg_stat_activity
                    WHERE application_name = 'test' AND pid <> pg_backend_pid() AND datname = current_database()
                    """)
                #expect(try rows[0].decode("terminated", as: Int.self) >= 3)
            }
            for _ in 0..<3 {
                let rows = try await pool.query("SELECT 1::int8 AS one")
                #expect(try rows[0].decode("one", as: Int.self) == 1)
            }
        }
    }

    @Test func reconnectsAfterServerRestart() async throws {
        let postgres = try suitePostgres()
        try await postgres.withPool(maxConnections: 2) { pool in
            _ = try await pool.query("SELECT 1")
            let before = await pool.statistics.connectionsOpened
            try await postgres.server.restart()
            let rows = try await pool.query("SELECT 2::int8 AS two")
            #expect(try rows[0].decode("two", as: Int.self) == 2)
            #expect(await pool.statistics.connectionsOpened > before)
        }
    }

    @Test func stoppedServerIsCouldNotConnect() async throws {
        let postgres = try suitePostgres()
        try await postgres.withPool(maxConnections: 1) { pool in
            try await postgres.server.stop()
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            try await postgres.server.start()
            #expect(error?.code == .couldNotConnect)
            let rows = try await pool.query("SELECT 3::int8 AS three")
            #expect(try rows[0].decode("three", as: Int.self) == 3)
        }
    }

    @Test func closedPoolRefusesCallers() async throws {
        let postgres = try suitePostgres()
        let pool = PostgresPool(.init(options: postgres.options, maxConnections: 1))
        _ = try await pool.query("SELECT 1")
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .poolClosed)
    }
}
