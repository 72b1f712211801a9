import ArgumentParser
import Foundation
import Histogram

/// Drives one scenario against the service on loopback for a fixed, bounded duration and
/// prints one JSON line: throughput and latency percentiles (HdrHistogram, microseconds).
@main
struct LoadDriver: ParsableCommand {
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
        guard let components = URLComponents(string: url), let host = components.host, ["127.0.0.1", "localhost"].contains(host) else {
            throw ValidationError("load is only ever sent to loopback (127.0.0.1)")
        }
        guard (1...256).contains(concurrency), (1...600).contains(duration) else { throw ValidationError("bounded runs only") }
    }

    var port: UInt16 { UInt16(URLComponents(string: url)?.port ?? 80) }

    func run() throws {
        let references = try Self.lines(scenario == .search ? queriesFile : referencesFile)
        let tokens = try Self.lines(tokensFile)
        guard [.queue, .file, .report].contains(scenario) || !references.isEmpty else {
            throw ValidationError("\(scenario) needs --\(scenario == .search ? "queries" : "references")-file")
        }
        let warmUp = ContinuousClock.now + .seconds(2)
        let end = warmUp + .seconds(duration)
        let perWorker = max(1, references.count / concurrency)
        // A thread a worker, each with its own blocking connection (LoopbackConnection).
        let results = WorkerResults(count: concurrency)
        let done = DispatchGroup()
        for worker in 0..<concurrency {
            done.enter()
            let driver = self
            let thread = Thread {
                var state = WorkerState(
                    worker: worker, references: references, tokens: tokens, first: (worker * perWorker) % max(1, references.count),
                    count: perWorker)
                results.set(worker, driver.work(state: &state, warmUp: warmUp, end: end))
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        done.wait()
        let workerResults = results.all
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var errors = 0
        var answered = 0
        var statuses: [UInt: Int] = [:]
        var perReport: [String: Histogram<UInt64>] = [:]
        for result in workerResults {
            histogram.add(result.histogram)
            answered += result.answered
            errors += result.errors
            for (status, count) in result.statuses { statuses[status, default: 0] += count }
            for (name, part) in result.perReport {
                perReport[name, default: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)].add(part)
            }
        }
        let count = Int(histogram.totalCount)
        let report: [String: Any] = [
            "scenario": scenario.rawValue, "concurrency": concurrency, "seconds": duration, "requests": count, "errors": errors,
            "requests_with_warm_up": answered,
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
        /// Answers received, the warm-up's included: what the bench divides the CPU it samples
        /// over the driver's whole run by.
        var answered = 0
    }

    func work(state: inout WorkerState, warmUp: ContinuousClock.Instant, end: ContinuousClock.Instant) -> WorkerResult {
        var result = WorkerResult()
        var connection: LoopbackConnection?
        while ContinuousClock.now < end {
            do {
                if connection == nil { connection = try LoopbackConnection(port: port) }
                let request = try nextRequest(connection!, state: &state)
                let started = ContinuousClock.now
                let response = try connection!.exchange(request.bytes)
                let elapsed = ContinuousClock.now - started
                record(response: response, state: &state)
                result.answered += 1
                guard started >= warmUp else { continue }
                let micros = UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
                _ = result.histogram.record(max(1, micros))
                if scenario == .report {
                    let name = Self.reportNames[(state.worker + state.next - 1) % Self.reportNames.count]
                    _ = result.perReport[name, default: Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)]
                        .record(max(1, micros))
                }
                result.statuses[UInt(response.status), default: 0] += 1
                if response.status >= 400 { result.errors += 1 }
            } catch {
                // A connection that failed is not reused.
                result.errors += 1
                connection = nil
            }
        }
        return result
    }

    func nextRequest(_ connection: LoopbackConnection, state: inout WorkerState) throws -> LoopbackRequest {
        var request: LoopbackRequest
        switch scenario {
        case .file:
            request = LoopbackRequest(method: "POST", path: "/v1/cases", headers: [("Content-Type", "application/json")])
            request.body = #"{"category":"fraud","title":"Invoices paid twice","narrative":"Two payments for one delivery.","region":"Europe"}"#
            if let filer = state.tokens.randomElement(using: &state.random) {
                request.headers.append(("Authorization", "Bearer \(filer)"))
                return request
            }
        case .view:
            request = LoopbackRequest(path: "/v1/cases/" + state.references.randomElement(using: &state.random)!)
        case .search:
            // A query people type: one word or two, newest 50 first (the bench draws them from
            // the seeded texts' vocabulary, common and rare words in Zipf's measure).
            let query = state.references.randomElement(using: &state.random)!
            request = LoopbackRequest(path: "/v1/search?limit=50&q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query))
        case .report:
            // Every report in turn, each worker starting at its own.
            let name = Self.reportNames[(state.worker + state.next) % Self.reportNames.count]
            state.next += 1
            request = LoopbackRequest(path: "/v1/reports/" + name + (reportQuery.isEmpty ? "" : "?" + reportQuery))
        case .queue:
            // As a triaging lead does: a first page (the four filters in turn), then the next
            // two pages of the same filter through the cursor; the ceiling runs the same mix.
            if let cursor = state.cursor, state.pageInCycle < 3 {
                request = LoopbackRequest(path: "/v1/offices/OIG/queue?limit=50" + state.filter + "&cursor=" + cursor)
            } else {
                state.filter = Self.queueFilters[state.next % Self.queueFilters.count]
                state.next += 1
                state.pageInCycle = 0
                request = LoopbackRequest(path: "/v1/offices/OIG/queue?limit=50" + state.filter)
            }
            state.pageInCycle += 1
        case .transition:
            // Alternately put a case on hold and resume it; each case's ETag is tracked.
            let number = state.first + (state.next % state.count)
            state.next += 1
            if state.etags[number] == nil {
                let get = LoopbackRequest(path: "/v1/cases/" + state.references[number], headers: [("Authorization", "Bearer \(token)")])
                state.etags[number] = try connection.exchange(get.bytes).etag ?? "\"0\""
            }
            let hold = !(state.onHold[number] ?? false)
            request = LoopbackRequest(
                method: "POST", path: "/v1/cases/" + state.references[number] + "/transitions",
                headers: [("Content-Type", "application/json"), ("If-Match", state.etags[number]!)])
            request.body = hold ? #"{"transition":"put_on_hold","fields":{"reason":"waiting for records"}}"# : #"{"transition":"resume"}"#
            state.onHold[number] = hold
            state.cursor = String(number)
        }
        request.headers.append(("Authorization", "Bearer \(token)"))
        return request
    }

    func record(response: LoopbackConnection.Response, state: inout WorkerState) {
        switch scenario {
        case .queue:
            state.cursor = Self.nextCursor(in: response.body)?
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-_.")))
        case .transition:
            guard let number = state.cursor.flatMap(Int.init) else { break }
            if response.status == 200, let etag = response.etag {
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

    /// The page's `next_cursor` (a string without escapes), nil when null or absent: read
    /// without decoding the page.
    static func nextCursor(in body: ArraySlice<UInt8>) -> String? {
        let key = Array(#""next_cursor":""#.utf8)
        var index = body.startIndex
        while index + key.count <= body.endIndex {
            if body[index] == key[0] && body[index..<(index + key.count)].elementsEqual(key) {
                let start = index + key.count
                guard let close = body[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return String(decoding: body[start..<close], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}

/// Each worker's result, set from its thread.
final class WorkerResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [LoadDriver.WorkerResult?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ worker: Int, _ result: LoadDriver.WorkerResult) { lock.withLock { results[worker] = result } }

    var all: [LoadDriver.WorkerResult] { lock.withLock { results.compactMap { $0 } } }
}
