import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Synchronization
import Testing

/// Webhooks to the organization's gateways, against a receiver on the loopback: signed,
/// de-duplicated by event id, retried with backoff, dead after the last attempt, and sent again
/// when a sender died mid-delivery.
@Suite(.temporaryPostgres)
struct WebhookDeliveryTests {
    static let secret = "webhook-secret-0123456789-abcdefghij"

    /// A gateway on 127.0.0.1: checks each signature, fails the first `failures` requests,
    /// and records the events it acknowledged (once each, by event id).
    final class Receiver: Sendable {
        struct State {
            var failuresLeft: Int
            var requests = 0
            var badSignatures = 0
            var acknowledged: [String: String] = [:]  // event id -> body
        }

        let state: Mutex<State>

        init(failures: Int) { state = Mutex(State(failuresLeft: failures)) }

        func run(_ body: @Sendable (String) async throws -> Void) async throws {
            let router = Router()
            router.post("/hook") { request, context -> HTTPResponse.Status in
                let data = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
                let timestamp = request.headers[HTTPField.Name("Oversight-Timestamp")!] ?? ""
                let eventID = request.headers[HTTPField.Name("Oversight-Event-Id")!] ?? ""
                let signed = request.headers[HTTPField.Name("Oversight-Signature")!]
                let expected = WebhookSender.signature(secret: Data(WebhookDeliveryTests.secret.utf8), timestamp: timestamp, body: data)
                return self.state.withLock { state in
                    state.requests += 1
                    guard signed == expected else {
                        state.badSignatures += 1
                        return .unauthorized
                    }
                    if state.failuresLeft > 0 {
                        state.failuresLeft -= 1
                        return .serviceUnavailable
                    }
                    state.acknowledged[eventID] = String(decoding: data, as: UTF8.self)
                    return .noContent
                }
            }
            var logger = Logger(label: "receiver")
            logger.logLevel = .critical  // its shutdown on cancel is not news
            // The bound port arrives once the server runs; if it fails to start, the stream ends.
            let (ports, announce) = AsyncStream<Int>.makeStream()
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in
                    if let port = channel.localAddress?.port { announce.yield(port) }
                }, logger: logger)
            let server = Task {
                try? await app.runService()
                announce.finish()
            }
            defer { server.cancel() }
            var url: String?
            for await port in ports {
                url = "http://127.0.0.1:\(port)/hook"
                break
            }
            try await body(try #require(url, "the receiver did not start"))
        }
    }

    func sender(_ api: CaseAPIHarness, url: String, maxAttempts: Int = 5) -> WebhookSender {
        WebhookSender(
            outbox: WebhookOutbox(pool: api.store.pool, policy: WebhookRetryPolicy(maxAttempts: maxAttempts, baseSeconds: 60, leaseSeconds: 30)),
            endpoints: [WebhookEndpoint(name: "gateway", url: url, secret: Data(Self.secret.utf8))], logger: Logger(label: "test"))
    }

    @Test func aSignedEventReachesTheGatewayOnceAfterThreeFailures() async throws {
        try await CaseAPIHarness.run { api in
            let receiver = Receiver(failures: 3)
            try await receiver.run { url in
                let staff = try await api.token("hr-fatima", "HRM:staff")
                _ = try await api.call(
                    .post, "/v1/cases", token: staff, body: ["category": "fraud", "title": "Canary 4417", "narrative": "Canary 4417 narrative"])
                _ = try await api.store.deliverNotifications(webhooks: [WebhookSubscription(name: "gateway", kinds: ["case_filed"])])
                let gateway = sender(api, url: url)
                var now = Date()
                for round in 0..<3 {
                    let sent = try await gateway.sendDue(at: now)
                    #expect(sent == 0, "round \(round): \(receiver.state.withLock { $0.requests }) requests")
                    // Not due again until its backoff has passed.
                    #expect(try await gateway.sendDue(at: now.addingTimeInterval(1)) == 0)
                    now = now.addingTimeInterval(3600)
                }
                #expect(try await gateway.sendDue(at: now) == 1)
                #expect(try await gateway.sendDue(at: now.addingTimeInterval(86_400)) == 0)
                let state = receiver.state.withLock { $0 }
                #expect(state.requests == 4)
                #expect(state.badSignatures == 0)
                #expect(state.acknowledged.count == 1)
                let body = try #require(state.acknowledged.values.first)
                #expect(body.contains("case_filed") && body.contains("/v1/cases/"))
                #expect(!body.contains("4417") && !body.contains("hr-fatima"), "\(body)")
            }
        }
    }

    @Test func aGatewayThatAlwaysFailsEndsInTheDeadLetterAndCanBeRetried() async throws {
        try await CaseAPIHarness.run { api in
            let receiver = Receiver(failures: 1000)
            try await receiver.run { url in
                let staff = try await api.token("hr-fatima", "HRM:staff")
                _ = try await api.file(staff)
                _ = try await api.store.deliverNotifications(webhooks: [WebhookSubscription(name: "gateway")])
                let gateway = sender(api, url: url, maxAttempts: 3)
                var now = Date()
                for _ in 0..<5 {
                    _ = try await gateway.sendDue(at: now)
                    now = now.addingTimeInterval(86_400)
                }
                #expect(receiver.state.withLock { $0.requests } == 3)
                let dead = try await gateway.outbox.failed()
                #expect(dead.count == 1)
                #expect(dead.first?.attempts == 3)
                #expect(dead.first?.lastError == "HTTP 503")
                // An administrator sends it again; the gateway has recovered.
                receiver.state.withLock { $0.failuresLeft = 0 }
                #expect(try await gateway.outbox.retry(try #require(dead.first?.id)))
                #expect(try await gateway.sendDue(at: now) == 1)
                #expect(try await gateway.outbox.failed().isEmpty)
            }
        }
    }

    @Test func aDeliveryWhoseSenderDiedIsSentAgainWithTheSameEventID() async throws {
        try await CaseAPIHarness.run { api in
            let receiver = Receiver(failures: 0)
            try await receiver.run { url in
                let staff = try await api.token("hr-fatima", "HRM:staff")
                _ = try await api.file(staff)
                _ = try await api.store.deliverNotifications(webhooks: [WebhookSubscription(name: "gateway")])
                let gateway = sender(api, url: url)
                let now = Date()
                // A sender claims it and dies before recording anything.
                let claimed = try await gateway.outbox.claimDue(at: now)
                #expect(claimed.count == 1)
                // Within the lease nobody else takes it; after it, it goes out, same event id.
                #expect(try await gateway.sendDue(at: now.addingTimeInterval(10)) == 0)
                #expect(try await gateway.sendDue(at: now.addingTimeInterval(31)) == 1)
                let acknowledged = receiver.state.withLock { $0.acknowledged }
                #expect(Array(acknowledged.keys) == [try #require(claimed.first?.eventID.uuidString.lowercased())])
            }
        }
    }

    @Test func theWebhooksFileIsValidated() throws {
        let good = try WebhookConfiguration.parse(
            yaml: "max_attempts: 4\nwebhooks:\n  - { name: mail, url: 'https://mail.example.org/x', secret_env: S, kinds: [escalation] }\n",
            environment: ["S": Self.secret])
        #expect(good.policy.maxAttempts == 4)
        #expect(good.endpoints.map(\.name) == ["mail"])
        #expect(good.endpoints.first?.kinds == ["escalation"])
        for (yaml, message) in [
            ("webhooks:\n  - { name: mail, url: 'https://mail.example.org/x', secret_env: MISSING }\n", "MISSING must be set"),
            ("webhooks:\n  - { name: mail, url: 'ftp://mail.example.org/x', secret_env: S }\n", "not an http(s) URL"),
            ("retries: 3\n", "unknown key \"retries\""),
            ("max_attempts: 0\n", "max_attempts must be 1 to 50"),
        ] {
            #expect(throws: (any Error).self) { try WebhookConfiguration.parse(yaml: yaml, environment: ["S": Self.secret]) }
            do {
                _ = try WebhookConfiguration.parse(yaml: yaml, environment: ["S": Self.secret])
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
        // The shipped file configures none and parses.
        #expect(try WebhookConfiguration.load(directory: packageRoot.appendingPathComponent("Config").path).endpoints.isEmpty)
    }
}
