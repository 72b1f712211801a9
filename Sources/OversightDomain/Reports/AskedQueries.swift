import Synchronization

/// A dry run's source: notes each query a report asks, in order, and answers none.
final class AskedQueries: RollupSource {
    private let asked = Mutex<[RollupQuery]>([])

    var queries: [RollupQuery] { asked.withLock { $0 } }

    func counts(_ query: RollupQuery) async throws -> [RollupCount] {
        asked.withLock { if !$0.contains(query) { $0.append(query) } }
        return []
    }
}

/// The answers to the queries a dry run listed.
struct AnsweredQueries: RollupSource {
    let answers: [RollupQuery: [RollupCount]]

    func counts(_ query: RollupQuery) async throws -> [RollupCount] {
        guard let cells = answers[query] else { throw Unasked(query: query) }
        return cells
    }

    /// A report asked for something its dry run did not: its queries depended on answers.
    struct Unasked: Error {
        let query: RollupQuery
    }
}
