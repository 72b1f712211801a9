import Logging
import OversightStore
import PostgresClient
import ServiceLifecycle

/// Background work the service does at a fixed interval (the deadline sweep, history
/// checkpoints): run, log a failure and try again at the next interval, stop on shutdown.
/// Safe with any number of replicas when the work itself is (SKIP LOCKED, idempotent rows).
public struct RecurringJob: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    public init(_ name: String, every interval: Duration, logger: Logger, work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await work()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("\(name) failed; retrying at the next interval", metadata: ["error": "\(error)"])
                }
                // Shutdown cancels the wait: that is the end of the job, not a failure.
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// Folds the report cells changed since the last run into the rollup.
    public static func reportFold(_ pool: PostgresPool, every interval: Duration, logger: Logger) -> RecurringJob {
        RecurringJob("report rollup fold", every: interval, logger: logger) {
            // Again only after a full batch: while writes go on there is always a little to
            // fold, and that waits for the next interval rather than keeping a core busy.
            let batch = 20_000
            while try await ReportRollup.fold(pool: pool, batch: batch) == batch {}
        }
    }

    /// Delivers the outbox into inboxes, draining full batches.
    public static func notificationDispatch(
        _ store: CaseStore, webhooks: [WebhookSubscription], every interval: Duration, logger: Logger
    ) -> RecurringJob {
        RecurringJob("notification dispatch", every: interval, logger: logger) {
            var delivered = 0
            repeat {
                delivered = try await store.deliverNotifications(batch: 100, webhooks: webhooks)
            } while delivered >= 100 && !Task.isCancelled
        }
    }

    /// Posts due webhook deliveries to the organization's gateways, draining full batches.
    public static func webhookDelivery(_ sender: WebhookSender, every interval: Duration, logger: Logger) -> RecurringJob {
        RecurringJob("webhook delivery", every: interval, logger: logger) {
            var sent = 0
            repeat {
                sent = try await sender.sendDue(limit: 20)
            } while sent >= 20 && !Task.isCancelled
        }
    }

    /// Escalates overdue stages and reporter duties, draining full batches.
    public static func deadlineSweep(_ store: CaseStore, every interval: Duration, logger: Logger) -> RecurringJob {
        RecurringJob("deadline sweep", every: interval, logger: logger) {
            var escalated = 0
            repeat {
                escalated = try await store.escalateOverdue(batch: 100)
                if escalated > 0 { logger.info("escalated overdue items", metadata: ["count": "\(escalated)"]) }
            } while escalated >= 100 && !Task.isCancelled
        }
    }

    /// Purges the content of cases past their retention period, draining full batches. Hourly
    /// whenever the deadline sweep runs: a period is counted in days, and finding the expired
    /// cases reads every closed one.
    public static func retentionPurge(_ store: CaseStore, logger: Logger) -> RecurringJob {
        RecurringJob("retention purge", every: .seconds(3600), logger: logger) {
            var purged = 0
            repeat {
                purged = try await store.purgeExpired()
                if purged > 0 { logger.info("purged cases past their retention period", metadata: ["count": "\(purged)"]) }
            } while purged > 0 && !Task.isCancelled
        }
    }
}
