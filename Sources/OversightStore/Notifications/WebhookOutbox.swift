import Foundation
import PostgresClient

/// A configured webhook, as the dispatcher fans events out to it.
public struct WebhookSubscription: Sendable, Hashable {
    public let name: String
    /// The outbox kinds it receives; nil for all that are delivered.
    public let kinds: Set<String>?

    public init(name: String, kinds: Set<String>? = nil) {
        self.name = name
        self.kinds = kinds
    }
}

/// One event to send to one webhook.
public struct WebhookDelivery: Sendable, Hashable {
    public let id: Int
    public let webhook: String
    public let eventID: UUID
    public let kind: String
    /// The JSON body, as stored.
    public let payload: String
    /// Attempts so far, this one included.
    public let attempts: Int
    public let lastError: String?
    public let deadAt: Date?
}

/// How failed sends are retried.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    /// The first wait; each next one doubles, up to `capSeconds`, with ±20 % jitter so that
    /// many failing deliveries do not come back at once.
    public var baseSeconds: Double
    public var capSeconds: Double
    /// How long a claimed delivery is the claimer's: a sender that dies mid-send leaves it to
    /// be sent again after this.
    public var leaseSeconds: Double

    public init(maxAttempts: Int = 8, baseSeconds: Double = 2, capSeconds: Double = 3600, leaseSeconds: Double = 60) {
        self.maxAttempts = maxAttempts
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
        self.leaseSeconds = leaseSeconds
    }

    func wait(afterAttempt attempts: Int) -> Double {
        min(capSeconds, baseSeconds * pow(2, Double(max(0, attempts - 1)))) * Double.random(in: 0.8...1.2)
    }
}

/// The webhook deliveries table, for the sender job and administrators: claim what is due,
/// record each result, list the dead letters and send one again. Every statement runs as the
/// webhook-sender job; the table holds references and kinds, never content.
public struct WebhookOutbox: Sendable {
    public let pool: PostgresPool
    public let policy: WebhookRetryPolicy

    public init(pool: PostgresPool, policy: WebhookRetryPolicy = WebhookRetryPolicy()) {
        self.pool = pool
        self.policy = policy
    }

    func transaction<Result: Sendable>(_ body: @Sendable (isolated PostgresConnection) throws -> Result) async throws -> Result {
        try await pool.withTransaction { connection in
            SessionScope.system(.webhookSender).apply(sharingOffices: [], connection)
            return try body(connection)
        }
    }

    /// Claims up to `limit` due deliveries under a lease, counting the attempt.
    public func claimDue(limit: Int = 20, at time: Date = Date()) async throws -> [WebhookDelivery] {
        let lease = time.addingTimeInterval(policy.leaseSeconds)
        return try await transaction { connection in
            try connection.query(
                """
                UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = \(lease)
                WHERE id IN (SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= \(time)
                             ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id, webhook, event_id, kind, payload::text AS payload, attempts, last_error, dead_at
                """
            ).map(Self.delivery)
        }
    }

    /// Records a send: delivered, or retried later with backoff, or dead after the last attempt.
    public func record(_ delivery: WebhookDelivery, succeeded: Bool, error: String? = nil, at time: Date = Date()) async throws {
        let policy = self.policy
        try await transaction { connection in
            if succeeded {
                try connection.execute("UPDATE webhook_deliveries SET delivered_at = \(time), last_error = NULL WHERE id = \(delivery.id)")
            } else if delivery.attempts >= policy.maxAttempts {
                try connection.execute("UPDATE webhook_deliveries SET dead_at = \(time), last_error = \(error) WHERE id = \(delivery.id)")
            } else {
                let next = time.addingTimeInterval(policy.wait(afterAttempt: delivery.attempts))
                try connection.execute(
                    "UPDATE webhook_deliveries SET next_attempt_at = \(next), last_error = \(error) WHERE id = \(delivery.id)")
            }
        }
    }

    /// The dead letters: deliveries that used up their attempts.
    public func failed(limit: Int = 100) async throws -> [WebhookDelivery] {
        try await transaction { connection in
            try connection.query(
                """
                SELECT id, webhook, event_id, kind, payload::text AS payload, attempts, last_error, dead_at FROM webhook_deliveries
                WHERE dead_at IS NOT NULL ORDER BY id LIMIT \(limit)
                """
            ).map(Self.delivery)
        }
    }

    /// Sends a dead letter again from its first attempt; false when `id` is no dead letter.
    public func retry(_ id: Int, at time: Date = Date()) async throws -> Bool {
        try await transaction { connection in
            try connection.execute(
                "UPDATE webhook_deliveries SET dead_at = NULL, attempts = 0, next_attempt_at = \(time) WHERE id = \(id) AND dead_at IS NOT NULL")
                > 0
        }
    }

    static func delivery(_ row: PostgresRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.decode("id"), webhook: try row.decode("webhook"), eventID: try row.decode("event_id"), kind: try row.decode("kind"),
            payload: try row.decode("payload"), attempts: try row.decode("attempts"), lastError: try row.decode("last_error"),
            deadAt: try row.decode("dead_at"))
    }
}
