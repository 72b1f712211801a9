public import Logging
import NIOCore
import NIOPosix

/// A bounded pool of connections, each bound to its own database thread.
///
/// The pool owns a `MultiThreadedEventLoopGroup` with one thread per slot. A slot keeps its
/// thread for life; its connection is opened lazily and replaced when it breaks, so after a
/// server restart or a terminated backend the next borrower gets a fresh connection.
public actor PostgresPool {
    /// Pool sizing and timeouts.
    public struct Configuration: Sendable {
        public var options: PostgresConnectionOptions
        /// Connections (and database threads) at most.
        public var maxConnections: Int
        /// How long a caller waits for a free connection before `poolTimeout`.
        public var acquireTimeout: Duration

        public init(options: PostgresConnectionOptions, maxConnections: Int = 8, acquireTimeout: Duration = .seconds(10)) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            self.options = options
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
        }
    }

    /// Counters for health checks, metrics and leak tests.
    public struct Statistics: Sendable, Equatable {
        /// Slots, i.e. the most connections the pool opens.
        public var capacity: Int
        /// Connections currently open.
        public var open: Int
        /// Slots lent out to callers.
        public var inUse: Int
        /// Callers waiting for a slot.
        public var waiting: Int
        /// Connections opened over the pool's life (reconnects included).
        public var connectionsOpened: Int
        /// Callers that gave up with `poolTimeout`.
        public var timeouts: Int
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Int, any Error>
        var timeoutTask: Task<Void, Never>?
    }

    public nonisolated let configuration: Configuration
    private let logger: Logger
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let loops: [any EventLoop]
    private var connections: [PostgresConnection?]
    /// Free slots; the last one is lent first, so warm connections are reused.
    private var idle: [Int]
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var closed = false
    private var connectionsOpened = 0
    private var timeouts = 0

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "postgres.pool")) {
        self.configuration = configuration
        self.logger = logger
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.maxConnections)
        self.eventLoopGroup = group
        self.loops = Array(group.makeIterator())
        self.connections = Array(repeating: nil, count: configuration.maxConnections)
        self.idle = Array((0..<configuration.maxConnections).reversed())
    }

    public var statistics: Statistics {
        Statistics(
            capacity: configuration.maxConnections,
            open: connections.lazy.filter { $0 != nil }.count,
            inUse: configuration.maxConnections - idle.count,
            waiting: waiters.count,
            connectionsOpened: connectionsOpened,
            timeouts: timeouts
        )
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    ///
    /// A connection handed back inside a transaction is rolled back; a broken one is closed
    /// and its slot reconnects on next use.
    public nonisolated func withConnection<Result: Sendable>(
        timeout: Duration? = nil,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let slot = try await acquireSlot(timeout: timeout ?? configuration.acquireTimeout)
        let connection = try await readyConnectionOrSlotBack(slot)
        do {
            let result = try await body(connection)
            await checkIn(slot: slot, keepConnection: await connection.resetForReuse())
            return result
        } catch {
            await checkIn(slot: slot, keepConnection: await connection.resetForReuse())
            throw error
        }
    }

    /// Lends a connection to a synchronous `body`, which runs on the connection's thread
    /// together with the check that the connection is still good and the clean-up after it:
    /// one hop to that thread, not three (each hop wakes the thread and then the caller's).
    public nonisolated func withConnectionOnItsThread<Result: Sendable>(
        timeout: Duration? = nil,
        _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        let slot = try await acquireSlot(timeout: timeout ?? configuration.acquireTimeout)
        if let connection = await connection(in: slot) {
            switch await connection.lend(body) {
            case .ran(let result, let keepConnection):
                await checkIn(slot: slot, keepConnection: keepConnection)
                return try result.get()
            case .unusable:
                break  // the server went away meanwhile: reconnect below
            }
        }
        let connection = try await readyConnectionOrSlotBack(slot)
        switch await connection.lend(body) {
        case .ran(let result, let keepConnection):
            await checkIn(slot: slot, keepConnection: keepConnection)
            return try result.get()
        case .unusable:
            await checkIn(slot: slot, keepConnection: false)
            throw PostgresError(code: .connectionLost, message: "the new connection was closed before its first statement")
        }
    }

    /// Runs `body` in a transaction on a pooled connection (see `PostgresConnection.withTransaction`).
    public nonisolated func withTransaction<Result: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        timeout: Duration? = nil,
        _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        try await withConnectionOnItsThread(timeout: timeout) { connection in
            try connection.withTransaction(isolation: isolation, body)
        }
    }

    /// Runs a transaction and runs it again when it fails with a serialization failure or a
    /// deadlock (SQLSTATE 40001, 40P01), at most `maxAttempts` times in all.
    public nonisolated func withRetryingTransaction<Result: Sendable>(
        isolation: IsolationLevel = .serializable,
        maxAttempts: Int = 5,
        _ body: @Sendable (isolated PostgresConnection) throws -> Result
    ) async throws -> Result {
        precondition(maxAttempts > 0)
        var attempt = 1
        while true {
            do {
                return try await withTransaction(isolation: isolation, body)
            } catch let error as PostgresError where error.isTransient && attempt < maxAttempts {
                // Back off a little, growing with each attempt, so contenders spread out.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                attempt += 1
            }
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Closes every connection and stops the database threads. Waiting callers get `poolClosed`.
    public func close() async {
        guard !closed else { return }
        closed = true
        for waiter in waiters {
            waiter.timeoutTask?.cancel()
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the connection pool is closed"))
        }
        waiters.removeAll()
        for index in connections.indices {
            if let connection = connections[index] { await connection.close() }
            connections[index] = nil
        }
        do {
            try await eventLoopGroup.shutdownGracefully()
        } catch {
            logger.warning("database threads did not stop cleanly: \(error)")
        }
    }

    // MARK: - Slots

    private func acquireSlot(timeout: Duration) async throws -> Int {
        guard !closed else { throw PostgresError(code: .poolClosed, message: "the connection pool is closed") }
        if let slot = idle.popLast() { return slot }
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let timeoutTask = Task { [weak self] in
                    do {
                        try await Task.sleep(for: timeout)
                    } catch {
                        return
                    }
                    await self?.expireWaiter(id, after: timeout)
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeoutTask: timeoutTask))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func expireWaiter(_ id: Int, after timeout: Duration) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        timeouts += 1
        logger.warning("no database connection free within \(timeout)", metadata: ["pool.capacity": "\(configuration.maxConnections)"])
        waiter.continuation.resume(
            throwing: PostgresError(
                code: .poolTimeout,
                message: "no database connection became free within \(timeout) (pool of \(configuration.maxConnections))"
            ))
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timeoutTask?.cancel()
        waiter.continuation.resume(throwing: CancellationError())
    }

    /// The slot's connection, good or reconnected; when none can be had the slot goes back.
    private nonisolated func readyConnectionOrSlotBack(_ slot: Int) async throws -> PostgresConnection {
        do {
            return try await readyConnection(in: slot)
        } catch {
            await checkIn(slot: slot, keepConnection: false)
            throw error
        }
    }

    /// The slot's open connection, if any (whether it is still good is for its own thread to say).
    private func connection(in slot: Int) -> PostgresConnection? { connections[slot] }

    /// The slot's connection if it is still good, otherwise a new one on the slot's thread.
    private func readyConnection(in slot: Int) async throws -> PostgresConnection {
        if let existing = connections[slot] {
            if await existing.isUsable() { return existing }
            logger.info("replacing a database connection the server closed")
            await existing.close()
            connections[slot] = nil
        }
        let connection = try await PostgresConnection.connect(configuration.options, on: loops[slot], logger: logger)
        connectionsOpened += 1
        guard !closed else {
            await connection.close()
            throw PostgresError(code: .poolClosed, message: "the connection pool is closed")
        }
        connections[slot] = connection
        return connection
    }

    private func checkIn(slot: Int, keepConnection: Bool) async {
        if !keepConnection, let connection = connections[slot] {
            connections[slot] = nil
            await connection.close()
        }
        if closed {
            if let connection = connections[slot] { await connection.close() }
            connections[slot] = nil
            return
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timeoutTask?.cancel()
            waiter.continuation.resume(returning: slot)
        } else {
            idle.append(slot)
        }
    }
}
