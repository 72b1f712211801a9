import Hummingbird
import Logging
import OversightStore
import PostgresClient
import Prometheus

/// The request context of every route.
public typealias OversightRequestContext = BasicRequestContext

/// What the HTTP application needs from the process: the pool, the readiness probe, and the
/// registry `/metrics` reads.
public struct ServiceDependencies: Sendable {
    public let pool: PostgresPool
    public let probe: DatabaseProbe
    public let metrics: PrometheusCollectorRegistry

    public init(pool: PostgresPool, probe: DatabaseProbe, metrics: PrometheusCollectorRegistry) {
        self.pool = pool
        self.probe = probe
        self.metrics = metrics
    }
}

/// Builds the Hummingbird application: middleware order is request id (outermost, so even
/// errors carry it), the access log (debug level), problem translation, metrics, then the routes.
public enum OversightApplication {
    public static func build(
        settings: ServiceSettings,
        dependencies: ServiceDependencies,
        logger: Logger
    ) -> some ApplicationProtocol {
        let router = makeRouter(dependencies: dependencies)
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "oversight"),
            logger: logger
        )
    }

    /// The router alone, for tests that drive it without a socket.
    public static func makeRouter(dependencies: ServiceDependencies) -> Router<OversightRequestContext> {
        let router = Router(context: OversightRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(LogRequestsMiddleware(.debug))
        router.middlewares.add(ProblemMiddleware())
        router.middlewares.add(MetricsMiddleware())
        HealthRoutes(probe: dependencies.probe).register(on: router)
        MetricsRoutes(registry: dependencies.metrics, pool: dependencies.pool).register(on: router)
        return router
    }
}
