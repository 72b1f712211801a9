import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import NIOCore
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Prometheus
import Synchronization
import Testing

/// A clock the tests move forward (due dates, the subject's comment period).
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(days: Double) { offset.withLock { $0 += days * 86_400 } }
}

/// Everything a case API test needs: a fresh, migrated database on the suite's server with
/// both logins (owner, application), the demo staff directory, the shipped Config/, the
/// application login's pool, token minting, and the application under test.
struct CaseAPIHarness: Sendable {
    static let secret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

    let client: any TestClientProtocol
    let store: CaseStore
    /// The server's superuser: tests look behind the API (and past row security) with it.
    let adminPool: PostgresPool
    let keys: TokenKeys
    let clock: TestClock
    /// The database, as the superuser; `.user(...)` for the other logins.
    let options: PostgresConnectionOptions
    /// Every line the application and the store logged, at trace level and up.
    let logs: InMemoryLogHandler

    /// Each logged line as one text: message and metadata values.
    var loggedLines: [String] {
        logs.entries.map { entry in
            ([entry.message.description] + entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    /// Runs `body` against a new database; tears everything down after. `enforcement`
    /// `.databaseOnly` switches the store's own access filters off (row security alone).
    static func run(
        enforcement: AccessEnforcement = .storeAndDatabase, filingLimit: FilingLimit = FilingLimit(count: 1000),
        _ body: @Sendable (CaseAPIHarness) async throws -> Void
    ) async throws {
        let postgres = try suitePostgres()
        let options = try await postgres.makeDatabase("api")
        var logs = InMemoryLogHandler()
        logs.logLevel = .trace
        let capture = logs
        let logger = Logger(label: "test.api") { _ in capture }
        let adminPool = PostgresPool(.init(options: options, maxConnections: 2))
        let servicePool = PostgresPool(.init(options: options.user(DatabaseRoles.application), maxConnections: 8))
        do {
            try await adminPool.withTransaction { connection in try DatabaseRoles.provision(connection) }
            let ownerPool = PostgresPool(.init(options: options.user(DatabaseRoles.owner), maxConnections: 1))
            do {
                try await Migrator(pool: ownerPool, migrations: try Migration.load(from: schemaDirectory)).migrate()
                let csv = try String(contentsOf: packageRoot.appendingPathComponent("Config/demo/staff_directory.csv"), encoding: .utf8)
                try await StaffDirectory(pool: ownerPool).importEntries(try DirectoryEntry.parseCSV(csv))
            } catch {
                await ownerPool.close()
                throw error
            }
            await ownerPool.close()
            let configuration = try ConfigurationDirectory.load(packageRoot.appendingPathComponent("Config").path)
            let catalog = try await WorkflowCatalog.register(configuration, pool: servicePool)
            let clock = TestClock()
            let store = CaseStore(pool: servicePool, configuration: configuration, catalog: catalog, logger: logger, clock: { clock.now() },
                                  filingLimit: filingLimit, enforcement: enforcement)
            var settings = ServiceSettings()
            settings.jwtSecret = secret
            let keys = try await TokenKeys.resolve(settings, developmentSecretFile: nil)
            let openAPI = try String(contentsOf: packageRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
            let dependencies = ServiceDependencies(
                pool: servicePool, probe: DatabaseProbe(pool: servicePool, migrator: Migrator(pool: servicePool, migrations: [])),
                metrics: PrometheusCollectorRegistry(),
                cases: CaseServices(store: store, keys: keys, cursors: QueueCursorCodec(secret: secret), openAPIDocument: openAPI))
            let application = Application(router: OversightApplication.makeRouter(dependencies: dependencies), logger: logger)
            try await application.test(.router) { client in
                try await body(CaseAPIHarness(client: client, store: store, adminPool: adminPool, keys: keys, clock: clock, options: options,
                                              logs: capture))
            }
        } catch {
            await servicePool.close()
            await adminPool.close()
            throw error
        }
        await servicePool.close()
        await adminPool.close()
    }

    func token(_ subject: String, _ roles: String...) async throws -> String {
        try await keys.mint(subject: subject, name: nil, roles: roles)
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }

        var problemType: String? { (try? json())?["type"] as? String }
        var etag: String? { headers[.eTag] }
    }

    /// One request; `body` is encoded as JSON when given.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String?, body: [String: Any]? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = headers[.contentType] ?? "application/json"
            buffer = ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body)))
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: buffer) { response in
            Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    /// Files a case as `token`'s holder; returns its reference.
    func file(_ token: String, category: String = "fraud", title: String = "Invoices paid twice", subjects: [String] = [],
              region: String = "Europe") async throws -> String {
        let reply = try await call(.post, "/v1/cases", token: token, body: [
            "category": category, "title": title, "narrative": "What happened, in the filer's words.", "region": region, "subjects": subjects,
        ])
        try #require(reply.status == .created, "filing failed: \(String(decoding: reply.body, as: UTF8.self))")
        return try #require(try reply.json()["reference"] as? String)
    }

    /// Takes a transition with the case's current ETag; returns the reply.
    @discardableResult
    func transition(_ reference: String, _ name: String, token: String, note: String? = nil, fields: [String: Any] = [:]) async throws -> Reply {
        let current = try await call(.get, "/v1/cases/\(reference)", token: token)
        var body: [String: Any] = ["transition": name, "fields": fields]
        if let note { body["note"] = note }
        return try await call(.post, "/v1/cases/\(reference)/transitions", token: token, body: body,
                              headers: [.ifMatch: current.etag ?? "\"0\""])
    }

    /// The office a case is at, read behind the API (references no longer name it).
    func office(of reference: String) async throws -> String? {
        try await adminPool.query("SELECT office FROM cases WHERE reference = \(reference)").first?.decode("office", as: String.self)
    }

    /// Counts rows as the superuser (tests look behind the API, past row security).
    func count(_ query: PostgresQuery) async throws -> Int {
        try await adminPool.query(query)[0].decode("n", as: Int.self)
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
