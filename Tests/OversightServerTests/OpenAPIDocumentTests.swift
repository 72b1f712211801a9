import Foundation
import Hummingbird
import OversightServer
import OversightStore
import PostgresClient
import Prometheus
import Testing
import Yams

/// The OpenAPI file and the router must describe the same API.
struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {

                documented.insert("\(method.uppercased()) \(path)")
            }
        }

        // The pool is never used: building the router opens no connection.
        let pool = PostgresPool(.init(options: .init(url: "postgresql://unused@127.0.0.1:1/none"), maxConnections: 1))
        let migrator = Migrator(pool: pool, migrations: [])
        let configuration = try ConfigurationDirectory.load(root.appendingPathComponent("Config").path)
        let store = CaseStore(
            pool: pool, configuration: configuration, catalog: WorkflowCatalog(current: [:], versions: [:]),
            keyRing: try KeyRing(text: CaseAPIHarness.keyRing))
        var settings = ServiceSettings()
        settings.jwtSecret = CaseAPIHarness.secret
        let cases = CaseServices(
            store: store, keys: try await TokenKeys.resolve(settings, developmentSecretFile: nil),
            cursors: QueueCursorCodec(secret: "openapi-test-cursor-secret-0123456789"), openAPIDocument: text,
            intake: IntakeDesk(
                store: store, hasher: ReceiptHasher(salt: Array("openapi-test-salt".utf8), log2Rounds: 10), sessionLifetime: .seconds(60)))
        let router = OversightApplication.makeRouter(
            dependencies: .init(
                pool: pool, probe: DatabaseProbe(pool: pool, migrator: migrator), metrics: PrometheusCollectorRegistry(), cases: cases))
        let routed = Set(
            router.routes.map { route in
                // Hummingbird writes parameters as `:name`, OpenAPI as `{name}`.
                let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                    segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                }.joined(separator: "/")
                return "\(route.method.rawValue) \(path)"
            })
        await pool.close()
        #expect(routed == documented)
    }
}
