import ArgumentParser
import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore

/// Drives one scenario against the service on loopback for a fixed, bounded duration and
/// prints one JSON line: throughput and latency percentiles (HdrHistogram, microseconds).
@main
struct LoadDriver: AsyncParsableCommand {
    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        case file, transition, queue, view, report, search
    }

    static let reportNames = [
        "caseload", "ageing", "timeliness", "outcomes", "retaliation", "ombuds", "recommendations", "evaluations", "indicators",
    ]

    @Option(help: "Service base URL (loopback only).") var url = "http://127.0.0.1:8080"
    @Option(help: "file, transition, queue, view, report or search.") var scenario: Scenario
    @Option(help: "Requests in flight.") var concurrency = 8
    @Option(help: "Measured seconds (after a 2 s warm-up).") var duration = 15
    @Option(help: "Bearer token of the caller.") var token: String
    @Option(help: "For file: a file of bearer tokens, one a line; each request picks one (filers, each under the filing limit).")
    var tokensFile: String?
    @Option(help: "A file of case references, one a line: view picks at random; transition splits them between workers.")
    var referencesFile: String?
    @Option(help: "For search: a file of queries, one a line; each request picks one at random.")
    var queriesFile: String?
    @Option(help: "For report: the query of every report request (the period), e.g. from=2026-01&to=2026-12.")
    var reportQuery = ""

    func validate() throws {
        guard let host = URL(string: url)?.host, ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError("load is only ever sent to loopback")
        }
        guard (1...256).contains(concurrency), (1...600).contains(duration) else { throw ValidationError("bounded runs only") }
    }

    func run() async throws {
        let references = try Self.lines(scenario == .search ? queriesFile : referencesFile)
        let tokens = try Self.lines(tokensFile)
        guard [.queue, .file, .report].contains(scenario) || !references.isEmpty else {
            throw ValidationError("\(scenario) needs --\(scenario == .search ? "queries" : "references")-file")
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let warmUp = ContinuousClock.now + .seconds(2)
        let end = warmUp + .seconds(duration)
        let perWorker = max(1, references.count / concurrency)
        let results = try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for worker in 0..<concurrency {
                let driver = self
                group.addTask {
                    var state = WorkerState(
                        worker: worker, references: references, tokens: tokens,
                        first: (worker * perWorker) % max(1, references.count), count: perWorker)
                    return try await driver.work(client: client, state: &state, warmUp: warmUp, end: end)
                }
            }
            return try await group.reduce(into: [WorkerResult]()) { $0.append($1) }
        }
        try await client.shutdown()
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var errors = 0
        var statuses: [UInt: Int] = [:]
        var perReport: [String: Histogram<UInt64>] = [:]
        for result in results {
            histogram.add(result.histogram)
            errors += result.errors
            for (status, count) in result.statuses { statuses[status, default: 0] += count }
            for (name, part) in result.perReport {
                perReport[name, default: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)].add(part)
            }
        }
        let count = Int(histogram.totalCount)
        let report: [String: Any] = [
            "scenario": scenario.rawValue, "concurrency": concurrency, "seconds": duration, "requests": count, "errors": errors,
            "throughput": Double(count) / Double(duration),
            "p50_ms": Double(histogram.valueAtPercentile(50)) / 1000, "p95_ms": Double(histogram.valueAtPercentile(95)) / 1000,
            "p99_ms": Double(histogram.valueAtPercentile(99)) / 1000,
            "statuses": Dictionary(uniqueKeysWithValues: statuses.map { (String($0.key), $0.value) }),
            "reports": perReport.mapValues { part in
                [
                    "requests": Int(part.totalCount), "p50_ms": Double(part.valueAtPercentile(50)) / 1000,
                    "p99_ms": Double(part.valueAtPercentile(99)) / 1000,
                ]
            },
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
    }

    static let queueFilters = ["", "&priority=normal", "&unassigned=true", "&overdue=true"]

    static func lines(_ path: String?) throws -> [String] {
        guard let path else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    struct WorkerState {
        let worker: Int
        let references: [String]
        let tokens: [String]
        let first: Int
        let count: Int
        var next = 0
        var etags: [Int: String] = [:]
        var onHold: [Int: Bool] = [:]
        var cursor: String?
        var filter = ""
        var pageInCycle = 0
        var random = SystemRandomNumberGenerator()
    }

    struct WorkerResult {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var errors = 0
        var statuses: [UInt: Int] = [:]
        /// For report: each report's latencies.
        var perReport: [String: Histogram<UInt64>] = [:]
    }

    func work(client: HTTPClient, state: inout WorkerState, warmUp: ContinuousClock.Instant, end: ContinuousClock.Instant) async throws
        -> WorkerResult
    {
        var result = WorkerResult()
        while ContinuousClock.now < end {
            let request = try await nextRequest(client: client, state: &state)
            let started = ContinuousClock.now
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .seconds(30))
            } catch {
                result.errors += 1
                continue
            }
            let body = try await response.body.collect(upTo: 4 << 20)
            let elapsed = ContinuousClock.now - started
            record(response: response, body: body, state: &state)
            guard started >= warmUp else { continue }
            let micros = UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
            _ = result.histogram.record(max(1, micros))
            if scenario == .report {
                let name = Self.reportNames[(state.worker + state.next - 1) % Self.reportNames.count]
                _ = result.perReport[name, default: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)]
                    .record(max(1, micros))
            }
            result.statuses[response.status.code, default: 0] += 1
            if response.status.code >= 400 { result.errors += 1 }
        }
        return result
    }

    func nextRequest(client: HTTPClient, state: inout WorkerState) async throws -> HTTPClientRequest {
        var request: HTTPClientRequest
        switch scenario {
        case .file:
            request = HTTPClientRequest(url: url + "/v1/cases")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(
                    string: #"{"category":"fraud","title":"Invoices paid twice","narrative":"Two payments for one delivery.","region":"Europe"}"#))
            if let filer = state.tokens.randomElement(using: &state.random) {
                request.headers.add(name: "Authorization", value: "Bearer \(filer)")
                return request
            }
        case .view:
            request = HTTPClientRequest(url: url + "/v1/cases/" + state.references.randomElement(using: &state.random)!)
        case .search:
            // A query people type: one word or two, newest 50 first (the bench draws them from
            // the seeded texts' vocabulary, common and rare words in Zipf's measure).
            let query = state.references.randomElement(using: &state.random)!
            request = HTTPClientRequest(
                url: url + "/v1/search?limit=50&q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query))
        case .report:
            // Every report in turn, each worker starting at its own.
            let name = Self.reportNames[(state.worker + state.next) % Self.reportNames.count]
            state.next += 1
            request = HTTPClientRequest(url: url + "/v1/reports/" + name + (reportQuery.isEmpty ? "" : "?" + reportQuery))
        case .queue:
            // As a triaging lead does: a first page (the four filters in turn), then the next
            // two pages of the same filter through the cursor; the ceiling runs the same mix.
            if let cursor = state.cursor, state.pageInCycle < 3 {
                request = HTTPClientRequest(url: url + "/v1/offices/OIG/queue?limit=50" + state.filter + "&cursor=" + cursor)
            } else {
                state.filter = Self.queueFilters[state.next % Self.queueFilters.count]
                state.next += 1
                state.pageInCycle = 0
                request = HTTPClientRequest(url: url + "/v1/offices/OIG/queue?limit=50" + state.filter)
            }
            state.pageInCycle += 1
        case .transition:
            // Alternately put a case on hold and resume it; each case's ETag is tracked.
            let number = state.first + (state.next % state.count)
            state.next += 1
            if state.etags[number] == nil {
                var get = HTTPClientRequest(url: url + "/v1/cases/" + state.references[number])
                get.headers.add(name: "Authorization", value: "Bearer \(token)")
                let response = try await client.execute(get, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 4 << 20)
                state.etags[number] = response.headers.first(name: "ETag") ?? "\"0\""
            }
            let hold = !(state.onHold[number] ?? false)
            request = HTTPClientRequest(url: url + "/v1/cases/" + state.references[number] + "/transitions")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "If-Match", value: state.etags[number]!)
            request.body = .bytes(
                ByteBuffer(string: hold ? #"{"transition":"put_on_hold","fields":{"reason":"waiting for records"}}"# : #"{"transition":"resume"}"#))
            state.onHold[number] = hold
            state.cursor = String(number)
        }
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        return request
    }

    func record(response: HTTPClientResponse, body: ByteBuffer, state: inout WorkerState) {
        switch scenario {
        case .queue:
            let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            state.cursor = (json?["next_cursor"] as? String)?
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.")))
        case .transition:
            guard let number = state.cursor.flatMap(Int.init) else { break }
            if response.status == .ok, let etag = response.headers.first(name: "ETag") {
                state.etags[number] = etag
            } else {
                // Out of step (a case left on hold by an earlier run): the request already
                // flipped what we believe, so the next one takes the other transition; read
                // the case's ETag again.
                state.etags[number] = nil
            }
        default:
            break
        }
    }
}
