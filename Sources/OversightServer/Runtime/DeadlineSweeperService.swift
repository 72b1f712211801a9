import Logging
import OversightStore
import ServiceLifecycle

/// Escalates overdue stages and reporter duties at a fixed interval. Safe with any number of
/// replicas: the store claims cases with `SKIP LOCKED` and records each escalation once.
public struct DeadlineSweeperService: Service {
    let store: CaseStore
    let interval: Duration
    let logger: Logger

    public init(store: CaseStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // Drain: a full batch means more may be waiting.
                    var escalated = 0
                    repeat {
                        escalated = try await store.escalateOverdue(batch: 100)
                        if escalated > 0 { logger.info("escalated overdue items", metadata: ["count": "\(escalated)"]) }
                    } while escalated >= 100 && !Task.isCancelled
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("deadline sweep failed; retrying at the next interval", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
