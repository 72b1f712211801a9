import ArgumentParser
import Foundation
import Logging
import Metrics
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import Prometheus
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service.",
        discussion: """
            Checks Config/ (offices, routing, workflows), starts a private PostgreSQL when no \
            database URL is configured, checks the schema (an applied migration whose file changed \
            or vanished stops start-up, naming the file), applies pending migrations unless \
            database.migrate_on_start is false, and serves until SIGTERM or SIGINT, sweeping \
            overdue deadlines in the background. On a signal it stops accepting connections, lets \
            in-flight requests finish (at most server.shutdown_grace_seconds), closes the pools and \
            stops the private PostgreSQL.

            Tokens: OVERSIGHT_JWT_SECRET (HS256) and/or auth.jwks_file (RS256/ES256). With \
            neither, and only with the private database, a development secret is kept in \
            .oversight/dev-jwt-secret for `oversight token`.
            """
    )

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        // A broken office procedure must stop the service before it can touch a case.
        let configuration: OversightConfiguration
        do {
            configuration = try ConfigurationDirectory.load(settings.policyDirectory)
        } catch {
            logger.critical("invalid configuration in \(settings.policyDirectory): \(error)")
            throw ExitCode.failure
        }
        let openAPIDocument: String
        do {
            openAPIDocument = try String(contentsOfFile: settings.openAPIFile, encoding: .utf8)
        } catch {
            logger.critical("cannot read the OpenAPI document \(settings.openAPIFile) (server.openapi_file)")
            throw ExitCode.failure
        }
        let keys: TokenKeys
        let cursors: QueueCursorCodec
        do {
            keys = try await TokenKeys.resolve(settings, developmentSecretFile: developmentSecretFile(settings), serving: true)
            cursors = try QueueCursorCodec.resolve(settings, developmentSecretFile: developmentSecretFile(settings))
        } catch {
            logger.critical("cannot set up token verification: \(error)")
            throw ExitCode.failure
        }
        let runtime = try await openDatabase(settings, logger: logger, migrate: settings.migrateOnStart)

        let catalog: WorkflowCatalog
        do {
            catalog = try await WorkflowCatalog.register(configuration, pool: runtime.pool)
        } catch {
            logger.critical("cannot prepare the case store: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }

        let migrator = Migrator(pool: runtime.pool, migrations: try Migration.load(from: settings.schemaDirectory), logger: logger)
        let store = CaseStore(
            pool: runtime.pool, configuration: configuration, catalog: catalog, logger: logger,
            filingLimit: FilingLimit(count: settings.filingRateLimit, window: .seconds(settings.filingRateWindowSeconds)))
        let dependencies = ServiceDependencies(
            pool: runtime.pool, probe: DatabaseProbe(pool: runtime.pool, migrator: migrator), metrics: registry,
            cases: CaseServices(store: store, keys: keys, cursors: cursors, openAPIDocument: openAPIDocument))
        let application = OversightApplication.build(settings: settings, dependencies: dependencies, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: DatabaseLifecycleService(runtime: runtime))]
        if settings.sweepIntervalSeconds > 0 {
            services.append(.init(service: RecurringJob.deadlineSweep(store, every: .seconds(settings.sweepIntervalSeconds), logger: logger)))
        }
        do {
            if settings.checkpointIntervalSeconds > 0, let setup = try CheckpointSetup.resolve(settings) {
                services.append(.init(service: RecurringJob.historyCheckpoint(
                    HistoryCheckpoints(pool: runtime.pool, directory: setup.directory), key: setup.key,
                    every: .seconds(settings.checkpointIntervalSeconds), logger: logger)))
            }
        } catch {
            logger.critical("cannot set up history checkpoints: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
        if settings.metricsPort > 0 {
            services.append(.init(service: OversightApplication.buildMetrics(settings: settings, dependencies: dependencies, logger: logger)))
            logger.info("serving metrics", metadata: ["address": "http://\(settings.metricsHost):\(settings.metricsPort)/metrics"])
        }
        services.append(.init(service: application))
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(settings.shutdownGraceSeconds)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        logger.info("serving", metadata: ["address": "http://\(settings.host):\(settings.port)"])
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            logger.error("service stopped with an error: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
    }
}

/// Where the development token secret lives: beside the private database, and only when the
/// private database is in use (a configured database means a real deployment).
func developmentSecretFile(_ settings: ServiceSettings) -> String? {
    guard settings.databaseURL == nil else { return nil }
    let parent = (settings.privateDataDirectory as NSString).deletingLastPathComponent
    return (parent.isEmpty ? "." : parent) + "/dev-jwt-secret"
}

/// Starts (or connects to) the database and checks the schema: applied migrations must
/// match their files; pending ones are applied (as the schema owner, on a connection of its
/// own) when `migrate`, else reported. Then the application login must be bound by row
/// security: a login that could bypass it stops the command.
func openDatabase(_ settings: ServiceSettings, logger: Logger, migrate: Bool) async throws -> DatabaseRuntime {
    let migrations: [Migration]
    do {
        migrations = try Migration.load(from: settings.schemaDirectory)
    } catch {
        logger.critical("cannot read migrations: \(error)")
        throw ExitCode.failure
    }
    let runtime: DatabaseRuntime
    do {
        runtime = try await DatabaseRuntime.start(settings, logger: logger)
    } catch {
        logger.critical("cannot start the database: \(error)")
        throw ExitCode.failure
    }
    do {
        let status = try await Migrator(pool: runtime.pool, migrations: migrations, logger: logger).status()
        if let problem = status.problems.first { throw problem }
        if !status.pending.isEmpty {
            if migrate && runtime.ownerOptions != nil {
                _ = try await runtime.withOwner { owner in try await Migrator(pool: owner, migrations: migrations, logger: logger).migrate() }
            } else if migrate {
                throw DatabaseRuntime.Unavailable(description: "\(status.pending.count) migration(s) pending and no schema owner login to apply them: set database.owner_url, or run `oversight migrate` with it")
            } else {
                logger.warning("schema migrations pending; run `oversight migrate`", metadata: ["pending": "\(status.pending.map(\.fileName))"])
                return runtime
            }
        }
        let problems = try await runtime.boundaryProblems()
        if !problems.isEmpty {
            throw DatabaseRuntime.Unavailable(description: "the application login can read past row security: " + problems.joined(separator: "; ") + " (SECURITY.md, \"Database roles\")")
        }
    } catch {
        logger.critical("schema check failed: \(error)")
        await runtime.shutdown()
        throw ExitCode.failure
    }
    return runtime
}
