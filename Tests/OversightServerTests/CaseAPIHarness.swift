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
    /// One key ring for the test process (every service a test builds reads the same cases).
    static let keyRing = KeyRing.generateText()

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
    /// The settings the service was built from.
    let settings: ServiceSettings
    /// The database's name on the suite's server (for PostgreSQL's own tools).
    let database: String

    /// The filer a case row seals, opened with the service's key ring: what someone holding both
    /// the database and the ring could read (the tests look behind the API).
    func sealedFiler(_ reference: String) async throws -> String? {
        let row = try await adminPool.query(
            """
            SELECT c.id, c.filer, coalesce(k.key, '\\x'::bytea) AS key FROM cases c LEFT JOIN case_keys k ON k.case_id = c.id
            WHERE c.reference = \(reference)
            """)[0]
        let id: UUID = try row.decode("id")
        let seal = try store.keyRing.seal(try row.decode("key", as: Data?.self), for: id)
        return try row.decode("filer", as: Data?.self).map { try seal.openText($0, at: SealedPlace("cases", "filer", row: id)) }
    }

    /// Each logged line as one text: message and metadata values.
    var loggedLines: [String] {
        logs.entries.map { entry in
            ([entry.message.description] + entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    /// Runs `body` against a new database, with the service built as `oversight serve` builds
    /// it (`OversightService.build`) from settings naming that database's two logins; tears
    /// everything down after. `enforcement` `.databaseOnly` switches the store's own access
    /// filters off (row security alone).
    static func run(
        enforcement: AccessEnforcement = .storeAndDatabase, filingLimit: FilingLimit = FilingLimit(count: 1000),
        _ body: @Sendable (CaseAPIHarness) async throws -> Void
    ) async throws {
        let postgres = try suitePostgres()
        let name = try await postgres.makeDatabaseNamed("api")
        let options = postgres.options.database(name)
        var logs = InMemoryLogHandler()
        logs.logLevel = .trace
        let capture = logs
        let logger = Logger(label: "test.api") { _ in capture }
        let adminPool = PostgresPool(.init(options: options, maxConnections: 2))
        let clock = TestClock()
        do {
            try await adminPool.withTransaction { connection in try DatabaseRoles.provision(connection) }
            var configured = settings(postgres, database: name)
            configured.filingRateLimit = filingLimit.count
            configured.filingRateWindowSeconds = Int(filingLimit.window.components.seconds)
            let settings = configured
            let service = try await OversightService.build(
                settings: settings, logger: logger, overrides: .init(clock: { clock.now() }, enforcement: enforcement))
            do {
                let csv = try String(contentsOf: packageRoot.appendingPathComponent("Config/demo/staff_directory.csv"), encoding: .utf8)
                _ = try await service.runtime.withOwner { owner in
                    try await StaffDirectory(pool: owner).importEntries(try DirectoryEntry.parseCSV(csv))
                }
                let application = Application(router: service.router, logger: logger)
                try await application.test(.router) { client in
                    try await body(
                        CaseAPIHarness(
                            client: client, store: service.store, adminPool: adminPool, keys: service.keys, clock: clock,
                            options: options, logs: capture, settings: settings, database: name))
                }
            } catch {
                await service.shutdown()
                throw error
            }
            await service.shutdown()
        } catch {
            await adminPool.close()
            throw error
        }
        await adminPool.close()
    }

    /// The settings of a service on `database` of the suite's server: the application login
    /// and the owner, the shipped Config/, no background jobs or metrics listener.
    static func settings(_ postgres: TemporaryPostgres, database: String) -> ServiceSettings {
        var settings = ServiceSettings()
        settings.databaseURL = postgres.url(database: database, user: DatabaseRoles.application)
        settings.databaseOwnerURL = postgres.url(database: database, user: DatabaseRoles.owner)
        settings.jwtSecret = secret
        settings.keyRing = keyRing
        settings.policyDirectory = packageRoot.appendingPathComponent("Config").path
        settings.schemaDirectory = schemaDirectory
        settings.openAPIFile = packageRoot.appendingPathComponent("openapi.yaml").path
        settings.poolSize = 8
        settings.sweepIntervalSeconds = 0
        settings.dispatchIntervalSeconds = 0
        settings.reportFoldIntervalSeconds = 0
        // Anonymous intake on, with receipts hashed cheaply (the cost is the setting's to raise).
        settings.intakeSalt = "test-intake-salt-0123456789"
        settings.intakeReceiptCost = 10
        settings.checkpointIntervalSeconds = 0
        settings.metricsPort = 0
        return settings
    }

    /// A second replica of the service on the same database, built from the same settings.
    func withReplica(_ body: @Sendable (any TestClientProtocol, OversightService) async throws -> Void) async throws {
        let replica = try await OversightService.build(
            settings: settings, logger: Logger(label: "test.replica"),
            overrides: .init(clock: { [clock] in clock.now() }))
        do {
            try await Application(router: replica.router).test(.router) { client in try await body(client, replica) }
        } catch {
            await replica.shutdown()
            throw error
        }
        await replica.shutdown()
    }

    func token(_ subject: String, _ roles: String...) async throws -> String {
        try await keys.mint(subject: subject, name: nil, roles: roles)
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        var problemType: String? { try? APIBody.decoder.decode(APIBody.Problem.self, from: body).type }
        var problemDetail: String? { try? APIBody.decoder.decode(APIBody.Problem.self, from: body).detail }
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

    /// One request whose body is raw bytes (a file upload).
    func upload(_ path: String, token: String, bytes: [UInt8], contentType: String?) async throws -> Reply {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { response in
            Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    /// Files a case as `token`'s holder; returns its reference.
    func file(
        _ token: String, category: String = "fraud", title: String = "Invoices paid twice", subjects: [String] = [],
        region: String = "Europe"
    ) async throws -> String {
        let reply = try await call(
            .post, "/v1/cases", token: token,
            body: [
                "category": category, "title": title, "narrative": "What happened, in the filer's words.", "region": region, "subjects": subjects,
                "answers": PlainAnswers.json(category),
            ])
        try #require(reply.status == .created, "filing failed: \(String(decoding: reply.body, as: UTF8.self))")
        return try reply.decode(APIBody.Filing.self).reference
    }

    /// Takes a transition with the case's current ETag; returns the reply.
    @discardableResult
    func transition(_ reference: String, _ name: String, token: String, note: String? = nil, fields: [String: Any] = [:]) async throws -> Reply {
        let current = try await call(.get, "/v1/cases/\(reference)", token: token)
        var body: [String: Any] = ["transition": name, "fields": fields]
        if let note { body["note"] = note }
        return try await call(
            .post, "/v1/cases/\(reference)/transitions", token: token, body: body,
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
