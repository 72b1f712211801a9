import Foundation
import HTTPTypes
import Synchronization

/// Slows guessing at receipts and flooding the anonymous channel, without locking anyone out:
/// a source (a per-process hash of its address, kept a minute in memory) may try a few times
/// a minute, everyone together a few hundred; past either the answer is 429 with the wait,
/// and a receipt is never frozen, so its reporter can always come back from another minute.
/// Behind a proxy every request has the proxy's address, and the source limit is the global
/// one.
final class IntakeThrottle: Sendable {
    enum Purpose: Sendable, Hashable {
        case filing, receipt
    }

    struct Limits: Sendable, Hashable {
        var perSource: Int
        var overall: Int
    }

    private struct Window {
        var started: ContinuousClock.Instant
        var bySource: [Int: Int] = [:]
        var overall = 0
    }

    private let limits: [Purpose: Limits]
    private let length: Duration
    private let windows = Mutex<[Purpose: Window]>([:])

    init(
        filing: Limits = Limits(perSource: 5, overall: 120), receipt: Limits = Limits(perSource: 10, overall: 600),
        window: Duration = .seconds(60)
    ) {
        self.limits = [.filing: filing, .receipt: receipt]
        self.length = window
    }

    /// Counts one request from `source`, or refuses it with the seconds until the window ends.
    func admit(_ purpose: Purpose, from source: Int, now: ContinuousClock.Instant = .now) throws(Problem) {
        let limit = limits[purpose]!
        let wait: Duration? = windows.withLock { windows in
            var window = windows[purpose] ?? Window(started: now)
            if now - window.started >= length { window = Window(started: now) }
            let mine = window.bySource[source, default: 0]
            guard mine < limit.perSource, window.overall < limit.overall else { return length - (now - window.started) }
            window.bySource[source] = mine + 1
            window.overall += 1
            windows[purpose] = window
            return nil
        }
        guard let wait else { return }
        let seconds = max(1, Int(wait.components.seconds) + 1)
        throw Problem(
            .rateLimited, detail: "too many tries in a short time; try again in \(seconds) seconds", headers: [.retryAfter: String(seconds)])
    }
}
