import Foundation
import Hummingbird
import Logging
import OversightDomain
import OversightStore
import PostgresClient
import Prometheus
import ServiceLifecycle

/// The one composition root: everything `oversight serve` runs, built from its settings. The
/// HTTP tests build the service the same way, so what they drive is what runs (the database
/// logins, the token and cursor keys, the store's settings, the background jobs).
public struct OversightService: Sendable {
    public let settings: ServiceSettings
    public let configuration: OversightConfiguration
    public let runtime: DatabaseRuntime
    public let store: CaseStore
    public let keys: TokenKeys
    public let dependencies: ServiceDependencies
    /// Signed history checkpoints, when a folder and a key are configured.
    public let checkpoints: CheckpointSetup?
    /// The organization's gateways events are posted to (`Config/webhooks.yaml`).
    public let webhooks: WebhookConfiguration
    let logger: Logger

    /// Why the service cannot start, for a person: names the setting or file at fault.
    public struct StartupError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Test hooks: a clock to move, the store's own access filters off, another filing limit.
    public struct Overrides: Sendable {
        public var clock: (@Sendable () -> Date)?
        public var enforcement: AccessEnforcement = .storeAndDatabase
        public init(clock: (@Sendable () -> Date)? = nil, enforcement: AccessEnforcement = .storeAndDatabase) {
            self.clock = clock
            self.enforcement = enforcement
        }
    }

    /// Checks `Config/` (a broken office procedure stops the service before it touches a
    /// case), reads the OpenAPI document, resolves the token, cursor and checkpoint keys,
    /// opens the database (migrating as its owner when asked) and builds the store.
    public static func build(
        settings: ServiceSettings, logger: Logger, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        overrides: Overrides = Overrides()
    ) async throws -> OversightService {
        let configuration: OversightConfiguration
        do {
            configuration = try ConfigurationDirectory.load(settings.policyDirectory)
        } catch {
            throw StartupError("invalid configuration in \(settings.policyDirectory): \(error)")
        }
        let webhooks: WebhookConfiguration
        do {
            webhooks = try WebhookConfiguration.load(directory: settings.policyDirectory)
        } catch {
            throw StartupError("invalid webhooks in \(settings.policyDirectory): \(error)")
        }
        let openAPIDocument: String
        do {
            openAPIDocument = try String(contentsOfFile: settings.openAPIFile, encoding: .utf8)
        } catch {
            throw StartupError("cannot read the OpenAPI document \(settings.openAPIFile) (server.openapi_file)")
        }
        let developmentSecret = DatabaseRuntime.developmentSecretFile(settings)
        let keys: TokenKeys
        let cursors: QueueCursorCodec
        let checkpoints: CheckpointSetup?
        let keyRing: KeyRing
        do {
            keyRing = try KeyRingSetup.resolve(settings)
            keys = try await TokenKeys.resolve(settings, developmentSecretFile: developmentSecret, serving: true)
            cursors = try QueueCursorCodec.resolve(settings, developmentSecretFile: developmentSecret)
            checkpoints = settings.checkpointIntervalSeconds > 0 ? try CheckpointSetup.resolve(settings) : nil
        } catch {
            throw StartupError("cannot set up the service's keys: \(error)")
        }
        let runtime = try await DatabaseRuntime.open(settings, logger: logger, migrate: settings.migrateOnStart)
        do {
            let catalog = try await WorkflowCatalog.register(configuration, pool: runtime.pool)
            let store = CaseStore(
                pool: runtime.pool, configuration: configuration, catalog: catalog, keyRing: keyRing, logger: logger,
                clock: overrides.clock ?? { Date() },
                filingLimit: FilingLimit(count: settings.filingRateLimit, window: .seconds(settings.filingRateWindowSeconds)),
                enforcement: overrides.enforcement)
            let migrator = Migrator(pool: runtime.pool, migrations: try Migration.load(from: settings.schemaDirectory), logger: logger)
            let dependencies = ServiceDependencies(
                pool: runtime.pool, probe: DatabaseProbe(pool: runtime.pool, migrator: migrator), metrics: metrics,
                cases: CaseServices(
                    store: store, keys: keys, cursors: cursors, openAPIDocument: openAPIDocument, reportPool: runtime.reportPool,
                    intake: try IntakeSetup.desk(settings, store: store), receiptTriesPerMinute: settings.intakeReceiptTriesPerMinute))
            return OversightService(
                settings: settings, configuration: configuration, runtime: runtime, store: store, keys: keys,
                dependencies: dependencies, checkpoints: checkpoints, webhooks: webhooks, logger: logger)
        } catch {
            await runtime.shutdown()
            throw StartupError("cannot prepare the case store: \(error)")
        }
    }

    /// The HTTP application of the API (the router tests drive it too).
    public var router: Router<OversightRequestContext> { OversightApplication.makeRouter(dependencies: dependencies) }

    /// What a service group runs: the database (shut down last), the background jobs, the
    /// metrics listener and the API.
    public func services() -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: DatabaseLifecycleService(runtime: runtime))]
        if settings.sweepIntervalSeconds > 0 {
            services.append(.init(service: RecurringJob.deadlineSweep(store, every: .seconds(settings.sweepIntervalSeconds), logger: logger)))
            services.append(.init(service: RecurringJob.retentionPurge(store, logger: logger)))
        }
        if settings.reportFoldIntervalSeconds > 0 {
            services.append(
                .init(service: RecurringJob.reportFold(runtime.pool, every: .seconds(settings.reportFoldIntervalSeconds), logger: logger)))
        }
        if settings.dispatchIntervalSeconds > 0 {
            let subscriptions = webhooks.endpoints.map(\.subscription)
            services.append(
                .init(
                    service: RecurringJob.notificationDispatch(
                        store, webhooks: subscriptions, every: .seconds(settings.dispatchIntervalSeconds), logger: logger)))
            if !webhooks.endpoints.isEmpty {
                let sender = WebhookSender(
                    outbox: WebhookOutbox(pool: runtime.pool, policy: webhooks.policy), endpoints: webhooks.endpoints, logger: logger)
                services.append(
                    .init(service: RecurringJob.webhookDelivery(sender, every: .seconds(settings.dispatchIntervalSeconds), logger: logger)))
            }
        }
        if let checkpoints {
            services.append(
                .init(
                    service: RecurringJob.historyCheckpoint(
                        HistoryCheckpoints(pool: runtime.pool, directory: checkpoints.directory), key: checkpoints.key,
                        every: .seconds(settings.checkpointIntervalSeconds), logger: logger)))
        }
        if settings.metricsPort > 0 {
            services.append(.init(service: OversightApplication.buildMetrics(settings: settings, dependencies: dependencies, logger: logger)))
        }
        services.append(.init(service: OversightApplication.build(settings: settings, dependencies: dependencies, logger: logger)))
        return services
    }

    /// Closes the pool and stops a private PostgreSQL (what the service group does on exit).
    public func shutdown() async { await runtime.shutdown() }
}
