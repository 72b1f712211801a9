import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import OversightServer
import OversightStore
import PostgresClient
import PostgresLocalServer
import PostgresTestSupport
import Prometheus
import Testing

/// The project's own migrations folder.
let schemaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Schema").path

func bodyData(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }

/// Serialized: one test stops the suite's server.
@Suite(.temporaryPostgres, .serialized)
struct HealthEndpointTests {
    struct Problem: Decodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let request_id: String?
    }

    /// Runs `body` against the application over a fresh database, migrated unless told not to.
    func withApplication(
        migrated: Bool = true,
        logger: Logger = Logger(label: "test"),
        _ body: @Sendable (any TestClientProtocol, PostgresPool) async throws -> Void
    ) async throws {
        let options = try await suitePostgres().makeDatabase("http")
        let pool = PostgresPool(.init(options: options, maxConnections: 2, acquireTimeout: .seconds(2)))
        let migrator = Migrator(pool: pool, migrations: try Migration.load(from: schemaDirectory))
        do {
            if migrated { try await migrator.migrate() }
            let dependencies = ServiceDependencies(
                pool: pool, probe: DatabaseProbe(pool: pool, migrator: migrator), metrics: PrometheusCollectorRegistry())
            let application = Application(router: OversightApplication.makeRouter(dependencies: dependencies), logger: logger)
            try await application.test(.router) { client in try await body(client, pool) }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    @Test func liveAndReadyWithTheDatabaseUp() async throws {
        try await withApplication { client, _ in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONDecoder().decode([String: String].self, from: bodyData(response.body))
                #expect(body["status"] == "ready")
            }
        }
    }

    @Test func notReadyWhileMigrationsArePending() async throws {
        let logs = InMemoryLogHandler()
        try await withApplication(migrated: false, logger: Logger(label: "test") { _ in logs }) { client, _ in
            try await client.execute(uri: "/health/ready", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "probe-42"]) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(Problem.self, from: bodyData(response.body))
                #expect(problem.type == "/problems/not-ready")
                #expect(problem.detail?.contains("pending") == true)
            }
        }
        // The request's log line carries its id.
        let warning = try #require(logs.entries.first { $0.level == .warning })
        #expect(warning.metadata["request_id"] == "probe-42")
    }

    @Test func notReadyWithTheDatabaseStopped() async throws {
        let postgres = try suitePostgres()
        try await withApplication { client, _ in
            try await postgres.server.stop()
            do {
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let problem = try JSONDecoder().decode(Problem.self, from: bodyData(response.body))
                    #expect(problem.type == "/problems/database-unavailable")
                    #expect(problem.status == 503)
                    // Nothing of libpq's text reaches the client.
                    #expect(problem.detail?.contains("socket") == false)
                }
                try await client.execute(uri: "/health/live", method: .get) { response in
                    #expect(response.status == .ok)
                }
            } catch {
                try await postgres.server.start()
                throw error
            }
            try await postgres.server.start()
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func requestIDIsEchoedOrGenerated() async throws {
        try await withApplication { client, _ in
            try await client.execute(uri: "/health/live", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "case-7.trace_1"]) { response in
                #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "case-7.trace_1")
            }
            // A malformed id (here with a space and a quote) is replaced, not echoed.
            try await client.execute(uri: "/health/live", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "bad id\""]) { response in
                let id = response.headers[HTTPField.Name("X-Request-ID")!]
                #expect(id != nil)
                #expect(id != "bad id\"")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let id = try #require(response.headers[HTTPField.Name("X-Request-ID")!])
                #expect(UUID(uuidString: id) != nil)
                let problem = try JSONDecoder().decode(Problem.self, from: bodyData(response.body))
                #expect(problem.type == "/problems/not-found")
                #expect(problem.request_id == id)
            }
        }
    }

    /// Per-route counts (how many filings today) are not for anyone who can reach the API:
    /// metrics have a listener of their own.
    @Test func metricsAreServedOnTheirOwnListenerOnly() async throws {
        try await withApplication { client, pool in
            try await client.execute(uri: "/health/ready", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
            let dependencies = ServiceDependencies(
                pool: pool, probe: DatabaseProbe(pool: pool, migrator: Migrator(pool: pool, migrations: [])), metrics: PrometheusCollectorRegistry())
            let metrics = Application(router: OversightApplication.makeMetricsRouter(dependencies: dependencies))
            try await metrics.test(.router) { metricsClient in
                try await metricsClient.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains("oversight_db_pool_connections{state=\"capacity\"} 2"))
                    #expect(text.contains("oversight_db_pool_connections{state=\"in_use\"} 0"))
                    #expect(text.contains("oversight_db_pool_waiting 0"))
                }
            }
        }
    }
}
