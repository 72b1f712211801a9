import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OversightStore
import Yams

/// A webhook of `Config/webhooks.yaml`: an organization gateway (email, chat) the service
/// posts events to, signed with a secret taken from the environment.
public struct WebhookEndpoint: Sendable, Hashable {
    public let name: String
    public let url: String
    public let secret: Data
    public let kinds: Set<String>?

    public init(name: String, url: String, secret: Data, kinds: Set<String>? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.kinds = kinds
    }

    public var subscription: WebhookSubscription { WebhookSubscription(name: name, kinds: kinds) }
}

/// The webhooks file: endpoints and the retry policy. Missing file: no webhooks.
public struct WebhookConfiguration: Sendable {
    public let endpoints: [WebhookEndpoint]
    public let policy: WebhookRetryPolicy

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `webhooks.yaml`; each endpoint's secret comes from the variable its `secret_env`
    /// names, which must hold 32 characters or more.
    public static func parse(yaml: String, environment: [String: String]) throws -> WebhookConfiguration {
        guard let root = try Yams.load(yaml: yaml) as? [String: Any] else { throw Invalid(description: "webhooks.yaml: not a mapping") }
        let known: Set<String> = ["webhooks", "max_attempts", "backoff_seconds"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "webhooks.yaml: unknown key \"\(unknown)\"")
        }
        var policy = WebhookRetryPolicy()
        if let attempts = root["max_attempts"] {
            guard let value = attempts as? Int, (1...50).contains(value) else {
                throw Invalid(description: "webhooks.yaml: max_attempts must be 1 to 50")
            }
            policy.maxAttempts = value
        }
        if let backoff = root["backoff_seconds"] {
            guard let value = (backoff as? Int).map(Double.init) ?? (backoff as? Double), value > 0, value <= 3600 else {
                throw Invalid(description: "webhooks.yaml: backoff_seconds must be more than 0 and at most 3600")
            }
            policy.baseSeconds = value
        }
        var endpoints: [WebhookEndpoint] = []
        for (index, item) in ((root["webhooks"] as? [Any]) ?? []).enumerated() {
            let path = "webhooks.yaml: webhooks[\(index)]"
            guard let entry = item as? [String: Any], let name = entry["name"] as? String, !name.isEmpty,
                let url = entry["url"] as? String, let secretVariable = entry["secret_env"] as? String
            else { throw Invalid(description: "\(path): needs name, url and secret_env") }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw Invalid(description: "\(path).url: not an http(s) URL")
            }
            guard let secret = environment[secretVariable], secret.utf8.count >= 32 else {
                throw Invalid(description: "\(path).secret_env: \(secretVariable) must be set to 32 characters or more")
            }
            let kinds = (entry["kinds"] as? [String]).map(Set.init)
            guard !endpoints.contains(where: { $0.name == name }) else { throw Invalid(description: "\(path).name: \"\(name)\" twice") }
            endpoints.append(WebhookEndpoint(name: name, url: url, secret: Data(secret.utf8), kinds: kinds))
        }
        return WebhookConfiguration(endpoints: endpoints, policy: policy)
    }

    /// `<Config>/webhooks.yaml`, or no webhooks when there is none.
    public static func load(directory: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> WebhookConfiguration
    {
        let path = directory + "/webhooks.yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return WebhookConfiguration(endpoints: [], policy: WebhookRetryPolicy())
        }
        return try parse(yaml: text, environment: environment)
    }
}

/// Sends due webhook deliveries: POST with the JSON body, `Oversight-Event-Id` (the receiver
/// de-duplicates by it), `Oversight-Timestamp` and `Oversight-Signature: sha256=<hex>`, an
/// HMAC-SHA256 under the endpoint's secret over the timestamp, a dot and the body. A 2xx
/// answer delivers; anything else, or no answer in 10 seconds, is retried later.
public struct WebhookSender: Sendable {
    public let outbox: WebhookOutbox
    public let endpoints: [WebhookEndpoint]
    let logger: Logger

    public init(outbox: WebhookOutbox, endpoints: [WebhookEndpoint], logger: Logger) {
        self.outbox = outbox
        self.endpoints = endpoints
        self.logger = logger
    }

    /// The signature header's value for `body` sent at `timestamp`.
    public static func signature(secret: Data, timestamp: String, body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + ".").utf8) + body, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Sends what is due; returns how many were delivered.
    @discardableResult
    public func sendDue(limit: Int = 20, at time: Date = Date()) async throws -> Int {
        var delivered = 0
        for delivery in try await outbox.claimDue(limit: limit, at: time) {
            let (succeeded, failure) = await send(delivery, at: time)
            try await outbox.record(delivery, succeeded: succeeded, error: failure, at: time)
            if succeeded { delivered += 1 }
        }
        return delivered
    }

    func send(_ delivery: WebhookDelivery, at time: Date) async -> (Bool, String?) {
        guard let endpoint = endpoints.first(where: { $0.name == delivery.webhook }) else {
            return (false, "no webhook \(delivery.webhook) configured")
        }
        let body = Data(delivery.payload.utf8)
        let timestamp = String(Int(time.timeIntervalSince1970))
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Oversight-Event-Id", value: delivery.eventID.uuidString.lowercased())
        request.headers.add(name: "Oversight-Timestamp", value: timestamp)
        request.headers.add(name: "Oversight-Signature", value: Self.signature(secret: endpoint.secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else { return (false, "HTTP \(response.status.code)") }
            return (true, nil)
        } catch {
            // The error's type only: its text may quote the URL.
            logger.warning("webhook not delivered", metadata: ["webhook": "\(endpoint.name)", "error": "\(type(of: error))"])
            return (false, String(describing: type(of: error)))
        }
    }
}
