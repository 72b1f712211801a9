import ArgumentParser
import Foundation
import Logging
import Metrics
import OversightServer
import OversightStore
import Prometheus
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service.",
        discussion: """
            Starts a private PostgreSQL when no database URL is configured, checks the schema \
            (an applied migration whose file changed or vanished stops start-up, naming the file), \
            applies pending migrations unless database.migrate_on_start is false, and serves \
            until SIGTERM or SIGINT. On a signal it stops accepting connections, lets in-flight \
            requests finish (at most server.shutdown_grace_seconds), closes the pool and stops \
            the private PostgreSQL.
            """
    )

    @OptionGroup var settingsOptions: SettingsOptions

    func run() async throws {
        let settings = try settingsOptions.load()
        let logger = bootstrapLogging(settings)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        // A broken office procedure must stop the service before it can touch a case.
        do {
            _ = try ConfigurationDirectory.load(settings.policyDirectory)
        } catch {
            logger.critical("invalid configuration in \(settings.policyDirectory): \(error)")
            throw ExitCode.failure
        }
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
        let migrator = Migrator(pool: runtime.pool, migrations: migrations, logger: logger)
        do {
            let status = try await migrator.status()
            if let problem = status.problems.first { throw problem }
            if settings.migrateOnStart {
                try await migrator.migrate()
            } else if !status.pending.isEmpty {
                logger.warning("schema migrations pending; /health/ready answers 503 until `oversight migrate` runs",
                               metadata: ["pending": "\(status.pending.map(\.fileName))"])
            }
        } catch {
            logger.critical("schema check failed: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }

        let dependencies = ServiceDependencies(
            pool: runtime.pool, probe: DatabaseProbe(pool: runtime.pool, migrator: migrator), metrics: registry)
        let application = OversightApplication.build(settings: settings, dependencies: dependencies, logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: DatabaseLifecycleService(runtime: runtime)),
                .init(service: application),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = .seconds(settings.shutdownGraceSeconds)
        configuration.maximumCancellationDuration = .seconds(5)
        logger.info("serving", metadata: ["address": "http://\(settings.host):\(settings.port)"])
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            logger.error("service stopped with an error: \(error)")
            await runtime.shutdown()
            throw ExitCode.failure
        }
    }
}
