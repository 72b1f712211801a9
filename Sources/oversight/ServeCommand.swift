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
        let service: OversightService
        do {
            service = try await OversightService.build(settings: settings, logger: logger, metrics: registry)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: service.services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(settings.shutdownGraceSeconds)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        logger.info(
            "serving",
            metadata: ["address": "http://\(settings.host):\(settings.port)"]
                .merging(settings.metricsPort > 0 ? ["metrics": "http://\(settings.metricsHost):\(settings.metricsPort)/metrics"] : [:]) { a, _ in a }
        )
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            logger.error("service stopped with an error: \(error)")
            await service.shutdown()
            throw ExitCode.failure
        }
    }
}

/// Opens the database for a command (see `DatabaseRuntime.open`), or logs why not and exits 1.
func openDatabase(_ settings: ServiceSettings, logger: Logger, migrate: Bool) async throws -> DatabaseRuntime {
    do {
        return try await DatabaseRuntime.open(settings, logger: logger, migrate: migrate)
    } catch {
        logger.critical("\(error)")
        throw ExitCode.failure
    }
}

/// Where the development token secret lives (see `DatabaseRuntime.developmentSecretFile`).
func developmentSecretFile(_ settings: ServiceSettings) -> String? { DatabaseRuntime.developmentSecretFile(settings) }
