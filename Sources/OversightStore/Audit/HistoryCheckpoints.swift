import Crypto
import Foundation
import PostgresClient

/// Writes and checks the signed checkpoints of a folder (`HistoryCheckpoint`).
///
/// Each checkpoint covers the events of every transaction older than the oldest one still
/// running when it was taken (PostgreSQL's snapshot xmin), and starts where the previous one
/// ended: an event committed late is never skipped, whatever order transactions commit in.
public struct HistoryCheckpoints: Sendable {
    public let pool: PostgresPool
    public let directory: String

    public init(pool: PostgresPool, directory: String) {
        self.pool = pool
        self.directory = directory
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// The checkpoints of the folder, oldest first, each verified with `key` and linked to the
    /// one before it.
    public func stored(verifiedWith key: Curve25519.Signing.PublicKey) throws -> [(file: String, text: String, checkpoint: HistoryCheckpoint)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".txt") }.sorted()
        var result: [(String, String, HistoryCheckpoint)] = []
        var previous = "none"
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let checkpoint: HistoryCheckpoint
            do {
                checkpoint = try HistoryCheckpoint.read(text, verifiedWith: key)
            } catch {
                throw Refused(description: "\(name): \(error)")
            }
            guard checkpoint.previous == previous else {
                throw Refused(description: "\(name): it follows a checkpoint that is not in \(directory) (one was removed or replaced)")
            }
            previous = HistoryCheckpoint.digest(of: text)
            result.append((name, text, checkpoint))
        }
        return result
    }

    /// Signs the heads of every history that changed since the last checkpoint and writes
    /// them to the folder. Returns nil when nothing changed. Refuses to sign a history whose
    /// chain is already broken.
    @discardableResult
    public func write(signingWith key: Curve25519.Signing.PrivateKey, at now: Date = Date()) async throws -> (
        path: String, checkpoint: HistoryCheckpoint
    )? {
        let existing = try stored(verifiedWith: key.publicKey)
        let start = existing.last?.checkpoint.boundary ?? 0
        let (boundary, events) = try await pool.withTransaction(isolation: .repeatableRead) { connection in
            SessionScope.system(.checkpoint).apply(sharingOffices: [], connection)
            let boundary = try connection.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS boundary")[0]
                .decode("boundary", as: Int64.self)
            let changed = try connection.query("SELECT DISTINCT case_id FROM case_events WHERE xid >= \(start) AND xid < \(boundary)")
                .map { try $0.decode("case_id", as: UUID.self) }
            let events = try connection.query(
                """
                SELECT case_id, seq, kind, actor, at, data, prev_hash, hash FROM case_events
                WHERE case_id = ANY(\(changed)) AND xid < \(boundary) ORDER BY case_id, seq
                """
            ).map(CaseEvent.init(row:))
            return (boundary, events)
        }
        var byCase: [UUID: [CaseEvent]] = [:]
        for event in events { byCase[event.caseID, default: []].append(event) }
        var heads: [HistoryCheckpoint.Head] = []
        for (caseID, chain) in byCase.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard let last = chain.last else { continue }
            if let problem = AuditVerifier.check(chain, head: (last.seq, last.hash)) {
                throw Refused(
                    description: "refusing to sign the history of case \(caseID): event \(problem.seq): \(problem.reason) (run verify-audit)")
            }
            heads.append(.init(caseID: caseID, seq: last.seq, hash: last.hash))
        }
        guard !heads.isEmpty else { return nil }
        let checkpoint = HistoryCheckpoint(
            createdAt: now, previous: existing.last.map { HistoryCheckpoint.digest(of: $0.text) } ?? "none",
            boundary: boundary, heads: heads)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/" + checkpoint.fileName
        let temporary = path + ".partial"
        try checkpoint.signed(with: key).write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else { throw Refused(description: "cannot write \(path)") }
        return (path, checkpoint)
    }

    /// What checking the database against the signed checkpoints found.
    public struct Report: Sendable, Equatable {
        public let checkpoints: Int
        public let headsChecked: Int
        /// The first head the database no longer has as signed.
        public let firstBreak: AuditReport.Break?
    }

    /// Compares every signed head with the event the database now holds at that place.
    public func verify(with key: Curve25519.Signing.PublicKey, batchSize: Int = 5_000) async throws -> Report {
        let stored = try stored(verifiedWith: key)
        var checked = 0
        for (file, _, checkpoint) in stored {
            for start in stride(from: 0, to: checkpoint.heads.count, by: batchSize) {
                let batch = Array(checkpoint.heads[start..<min(start + batchSize, checkpoint.heads.count)])
                let rows = try await pool.withTransaction { connection in
                    SessionScope.system(.auditor).apply(sharingOffices: [], connection)
                    return try connection.query(
                        """
                        SELECT h.case_id, h.seq, e.hash, c.reference
                        FROM unnest(\(batch.map(\.caseID))::uuid[], \(batch.map(\.seq))::int[]) AS h(case_id, seq)
                        LEFT JOIN case_events e ON e.case_id = h.case_id AND e.seq = h.seq
                        LEFT JOIN cases c ON c.id = h.case_id
                        """)
                }
                var found: [String: (hash: Data?, reference: String?)] = [:]
                for row in rows {
                    let key = "\(try row.decode("case_id", as: UUID.self))/\(try row.decode("seq", as: Int.self))"
                    found[key] = (try row.decode("hash", as: Data?.self), try row.decode("reference", as: String?.self))
                }
                for head in batch {
                    checked += 1
                    let current = found["\(head.caseID)/\(head.seq)"]
                    guard current?.hash == head.hash else {
                        let reference = current?.reference ?? head.caseID.uuidString.lowercased()
                        let reason = current?.hash == nil ? "the event signed in \(file) is gone" : "differs from the hash signed in \(file)"
                        return Report(
                            checkpoints: stored.count, headsChecked: checked,
                            firstBreak: .init(reference: reference, seq: head.seq, field: nil, reason: reason))
                    }
                }
            }
        }
        return Report(checkpoints: stored.count, headsChecked: checked, firstBreak: nil)
    }
}
