import Hummingbird
import HummingbirdTesting
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Prometheus
import Testing

/// libpq blocks; it must block only the database threads, never the HTTP event loop.
@Suite(.temporaryPostgres)
struct DatabaseThreadTests {
    @Test func httpAnswersWhileEveryDatabaseThreadIsBlocked() async throws {
        let postgres = try suitePostgres()
        try await postgres.withPool(maxConnections: 2) { pool in
            let migrator = Migrator(pool: pool, migrations: try Migration.load(from: schemaDirectory))
            let dependencies = ServiceDependencies(
                pool: pool, probe: DatabaseProbe(pool: pool, migrator: migrator), metrics: PrometheusCollectorRegistry())
            let application = Application(
                router: OversightApplication.makeRouter(dependencies: dependencies),
                configuration: .init(address: .hostname("127.0.0.1", port: 0))
            )
            try await application.test(.live) { client in
                let sleepers = (0..<2).map { _ in Task { try await pool.query("SELECT pg_sleep(15)") } }
                let blocked = try await eventually { await pool.statistics.inUse == 2 }
                #expect(blocked)
                try await client.execute(uri: "/health/live", method: .get) { response in
                    #expect(response.status == .ok)
                }
                // Answered while both statements were still running on their threads (fifteen
                // seconds: loaded CI machines once took more than two, then more than five, to
                // answer).
                #expect(await pool.statistics.inUse == 2)
                for sleeper in sleepers { _ = try await sleeper.value }
            }
        }
    }
}
