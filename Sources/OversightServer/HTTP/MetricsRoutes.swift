import HTTPTypes
import Hummingbird
import NIOCore
import PostgresClient
import Prometheus

/// `GET /metrics` in the Prometheus text format: the request metrics swift-metrics collects
/// (when the process bootstrapped it with this registry) and the pool's gauges, read at
/// scrape time.
struct MetricsRoutes<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry
    let pool: PostgresPool

    func register(on router: Router<Context>) {
        let capacity = registry.makeGauge(name: "oversight_db_pool_connections", labels: [("state", "capacity")])
        let open = registry.makeGauge(name: "oversight_db_pool_connections", labels: [("state", "open")])
        let inUse = registry.makeGauge(name: "oversight_db_pool_connections", labels: [("state", "in_use")])
        let waiting = registry.makeGauge(name: "oversight_db_pool_waiting", labels: [])
        let timeouts = registry.makeGauge(name: "oversight_db_pool_timeouts", labels: [])
        router.get("/metrics") { _, _ -> Response in
            let statistics = await pool.statistics
            capacity.set(Int64(statistics.capacity))
            open.set(Int64(statistics.open))
            inUse.set(Int64(statistics.inUse))
            waiting.set(Int64(statistics.waiting))
            timeouts.set(Int64(statistics.timeouts))
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}
