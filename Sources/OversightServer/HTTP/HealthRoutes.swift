import Hummingbird
import Logging
import OversightStore

/// Liveness and readiness for orchestrators and load balancers.
struct HealthRoutes<Context: RequestContext>: Sendable {
    let probe: DatabaseProbe

    struct Status: ResponseEncodable {
        let status: String
    }

    func register(on router: Router<Context>) {
        router.get("/health/live") { _, _ in Status(status: "live") }
        router.get("/health/ready") { _, context -> Status in
            let readiness = await probe.readiness()
            if readiness != .ready {
                context.logger.warning("not ready", metadata: ["readiness": "\(readiness)"])
            }
            switch readiness {
            case .ready:
                return Status(status: "ready")
            case .databaseUnavailable:
                throw Problem(.databaseUnavailable, detail: "the database does not answer")
            case .migrationsPending(let count):
                throw Problem(.notReady, detail: "\(count) schema migration(s) pending; run `oversight migrate`")
            case .migrationsInvalid:
                throw Problem(.notReady, detail: "applied schema migrations differ from the migration files")
            }
        }
    }
}
