import Hummingbird
import Logging
import NIOCore
import OversightStore
import PostgresClient
import Prometheus

/// What the HTTP application needs from the process: the pool, the readiness probe, and the
/// registry `/metrics` reads.
public struct ServiceDependencies: Sendable {
    public let pool: PostgresPool
    public let probe: DatabaseProbe
    public let metrics: PrometheusCollectorRegistry
    /// The case API; nil serves health and metrics only.
    public let cases: CaseServices?

    public init(pool: PostgresPool, probe: DatabaseProbe, metrics: PrometheusCollectorRegistry, cases: CaseServices? = nil) {
        self.pool = pool
        self.probe = probe
        self.metrics = metrics
        self.cases = cases
    }
}

/// What the `/v1` API needs: the case store, the token keys, the cursor key, and the OpenAPI
/// document it serves.
public struct CaseServices: Sendable {
    public let store: CaseStore
    public let keys: TokenKeys
    public let cursors: QueueCursorCodec
    public let openAPIDocument: String
    public let reports: ReportService
    /// Anonymous intake; nil when it is off (no receipt salt).
    public let intake: IntakeDesk?
    let intakeThrottle: IntakeThrottle

    /// `reportPool`: where reports are read (a streaming replica); the store's pool when nil.
    public init(
        store: CaseStore, keys: TokenKeys, cursors: QueueCursorCodec, openAPIDocument: String, reportPool: PostgresPool? = nil,
        intake: IntakeDesk? = nil, receiptTriesPerMinute: Int = 10
    ) {
        self.intakeThrottle = IntakeThrottle(receipt: .init(perSource: receiptTriesPerMinute, overall: 60 * receiptTriesPerMinute))
        self.store = store
        self.keys = keys
        self.cursors = cursors
        self.openAPIDocument = openAPIDocument
        self.intake = intake
        self.reports = ReportService(
            source: ReportRollup(pool: reportPool ?? store.pool), configuration: store.configuration, clock: store.clock)
    }
}

/// Builds the Hummingbird application: middleware order is request id (outermost, so even
/// errors carry it), the access log (debug level), problem translation, metrics, then the routes.
/// Metrics are served by an application of their own on another listener (`buildMetrics`):
/// per-route counts (how many filings today) are not for anyone who can reach the API.
public enum OversightApplication {
    public static func build(
        settings: ServiceSettings,
        dependencies: ServiceDependencies,
        logger: Logger
    ) -> some ApplicationProtocol {
        let router = makeRouter(dependencies: dependencies)
        return Application(
            router: router,
            // An idle keep-alive connection is closed: a client cannot hold a socket forever.
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(settings.httpIdleTimeoutSeconds)))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "oversight"),
            logger: logger
        )
    }

    /// The router alone, for tests that drive it without a socket.
    public static func makeRouter(dependencies: ServiceDependencies) -> Router<OversightRequestContext> {
        let router = Router(context: OversightRequestContext.self)
        router.middlewares.add(RequestIDMiddleware())
        router.middlewares.add(AccessLogMiddleware(.debug))
        router.middlewares.add(ProblemMiddleware())
        router.middlewares.add(MetricsMiddleware())
        HealthRoutes(probe: dependencies.probe).register(on: router)
        if let cases = dependencies.cases {
            let document = cases.openAPIDocument
            router.get("/openapi.yaml") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: document)))
            }
            QuestionnaireRoutes(configuration: cases.store.configuration).register(on: router)
            if let intake = cases.intake { IntakeRoutes(desk: intake, throttle: cases.intakeThrottle).register(on: router) }
            let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(keys: cases.keys, intake: cases.intake))
                .group(context: AuthenticatedRequestContext.self)
            CaseRoutes(store: cases.store).register(on: v1)
            AttachmentRoutes(store: cases.store).register(on: v1)
            LegalHoldRoutes(store: cases.store).register(on: v1)
            QueueRoutes(store: cases.store, cursors: cases.cursors).register(on: v1)
            SearchRoutes(store: cases.store, cursors: cases.cursors).register(on: v1)
            WorkflowRoutes(store: cases.store).register(on: v1)
            PlannedWorkRoutes(store: cases.store).register(on: v1)
            RecommendationRoutes(store: cases.store).register(on: v1)
            NotificationRoutes(store: cases.store).register(on: v1)
            SubjectRoutes(store: cases.store).register(on: v1)
            ReportRoutes(reports: cases.reports).register(on: v1)
        }
        // Added last: Hummingbird applies it to the not-found responder only.
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ($0.path.description, $0.method) }))
        return router
    }

    /// The metrics listener (`metrics.host`, `metrics.port`): `GET /metrics` only.
    public static func buildMetrics(
        settings: ServiceSettings, dependencies: ServiceDependencies, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: makeMetricsRouter(dependencies: dependencies),
            configuration: .init(address: .hostname(settings.metricsHost, port: settings.metricsPort), serverName: "oversight-metrics"),
            logger: logger
        )
    }

    public static func makeMetricsRouter(dependencies: ServiceDependencies) -> Router<BasicRequestContext> {
        let router = Router()
        MetricsRoutes(registry: dependencies.metrics, pool: dependencies.pool).register(on: router)
        return router
    }
}
