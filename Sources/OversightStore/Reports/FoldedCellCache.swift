import OversightDomain
import Synchronization

/// The folded cells a query read, each with the position of its key, so that the changes not
/// folded yet are added without a pass over every cell.
struct FoldedCells: Sendable {
    let cells: [RollupCount]
    let positions: [RollupCount: Int]

    init(_ cells: [RollupCount]) {
        self.cells = cells
        var positions: [RollupCount: Int] = [:]
        positions.reserveCapacity(cells.count)
        for (position, cell) in cells.enumerated() { positions[Self.key(cell)] = position }
        self.positions = positions
    }

    /// A cell without its count: what a change adds to.
    static func key(_ cell: RollupCount) -> RollupCount {
        var key = cell
        key.n = 0
        return key
    }

    /// These cells with `changes` added; a cell that comes to zero is left out.
    func adding(_ changes: [RollupCount]) -> [RollupCount] {
        guard !changes.isEmpty else { return cells }
        var result = cells
        var zeroed = false
        for change in changes {
            if let position = positions[Self.key(change)] {
                result[position].n += change.n
                zeroed = zeroed || result[position].n == 0
            } else {
                result.append(change)
            }
        }
        return zeroed ? result.filter { $0.n != 0 } : result
    }
}

/// Folded cells by query, each with the fold it is at. Bounded by queries and by cells: when
/// either is exceeded, the half least recently used goes.
final class FoldedCellCache: Sendable {
    struct Entry {
        let epoch: String
        let fold: Int
        let cells: FoldedCells
        var used: UInt64
    }

    private struct State {
        var entries: [RollupQuery: Entry] = [:]
        var cells = 0
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    private let wholeReadCount = Atomic<Int>(0)
    private let maxQueries: Int
    private let maxCells: Int

    init(maxQueries: Int = 512, maxCells: Int = 200_000) {
        self.maxQueries = maxQueries
        self.maxCells = maxCells
    }

    /// Reads of a query's whole folded cells (nothing kept, or kept too long ago) so far.
    var wholeReads: Int { wholeReadCount.load(ordering: .relaxed) }

    func countWholeRead() { wholeReadCount.add(1, ordering: .relaxed) }

    func entry(_ query: RollupQuery) -> Entry? {
        state.withLock { state in
            state.tick += 1
            state.entries[query]?.used = state.tick
            return state.entries[query]
        }
    }

    /// How many queries' cells are kept at `fold` of `epoch`.
    func entries(epoch: String, fold: Int) -> Int {
        state.withLock { state in state.entries.values.filter { $0.epoch == epoch && $0.fold == fold }.count }
    }

    /// Keeps `cells` unless a later fold's are kept already (a slower reader of an earlier one).
    func store(_ cells: FoldedCells, for query: RollupQuery, epoch: String, fold: Int) {
        state.withLock { state in
            if let kept = state.entries[query], kept.epoch == epoch, kept.fold > fold { return }
            state.tick += 1
            state.cells += cells.cells.count - (state.entries[query]?.cells.cells.count ?? 0)
            state.entries[query] = Entry(epoch: epoch, fold: fold, cells: cells, used: state.tick)
            if state.entries.count > maxQueries || state.cells > maxCells {
                let byUse = state.entries.sorted { $0.value.used < $1.value.used }
                for (stale, entry) in byUse.prefix(byUse.count / 2) {
                    state.entries[stale] = nil
                    state.cells -= entry.cells.cells.count
                }
            }
        }
    }
}
