import Foundation
import OversightDomain
import PostgresClient

/// Which key-encryption keys the cases' data keys are wrapped with, and moving them all to the
/// ring's current one (`oversight keys status`, `oversight keys rotate`).
///
/// A re-wrap changes the wrapping only: the data key and the content it seals stay as they are,
/// so the service goes on reading and writing while it runs. A data key still stored bare (a
/// database older than encryption) is wrapped with its case's content sealed in the same
/// transaction: title, narrative, filer, the text fields of its snapshot, messages and notes,
/// answers, the subjects' summaries, attachment names and bytes. Batches lock with SKIP LOCKED (a case in use is taken on the
/// next pass), and a run stopped half-way is resumed by running it again.
public struct KeyRotation: Sendable {
    public let pool: PostgresPool
    public let keys: KeyRing

    public init(pool: PostgresPool, keys: KeyRing) {
        self.pool = pool
        self.keys = keys
    }

    /// Data keys by what wraps them: a key id, "unwrapped" (legacy), or "destroyed".
    public struct KeyUse: Sendable, Hashable {
        public let wrappedWith: String
        public let cases: Int

        public init(wrappedWith: String, cases: Int) {
            self.wrappedWith = wrappedWith
            self.cases = cases
        }
    }

    public func status() async throws -> [KeyUse] {
        let rows = try await pool.withTransaction { connection in
            SessionScope.system(.keyRotation).apply(sharingOffices: [], connection)
            return try connection.query(
                """
                SELECT CASE WHEN key IS NULL THEN 'destroyed' WHEN key_id IS NULL THEN 'unwrapped' ELSE key_id END AS wrapped_with,
                       count(*) AS n
                FROM case_keys GROUP BY 1 ORDER BY 1
                """)
        }
        return try rows.map { KeyUse(wrappedWith: try $0.decode("wrapped_with"), cases: try $0.decode("n")) }
    }

    public struct Progress: Sendable {
        public var rewrapped = 0
        /// Legacy cases whose content was sealed as their key was wrapped.
        public var sealed = 0
        /// Cases left because they were in use on every pass (run again).
        public var skipped = 0
    }

    /// Re-wraps every data key not under the current key; `report` hears after each batch.
    public func rotate(batch: Int = 500, report: @Sendable (Progress) -> Void = { _ in }) async throws -> Progress {
        var progress = Progress()
        var passes = 0
        repeat {
            var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            var skippedThisPass = 0
            while true {
                let (done, last, skipped) = try await rotateBatch(after: after, limit: batch)
                guard let last else { break }
                progress.rewrapped += done.rewrapped
                progress.sealed += done.sealed
                skippedThisPass += skipped
                after = last
                report(progress)
            }
            progress.skipped = skippedThisPass
            passes += 1
        } while progress.skipped > 0 && passes < 3
        return progress
    }

    /// One batch in one transaction, from the case id `after` on.
    private func rotateBatch(after: UUID, limit: Int) async throws -> (done: Progress, last: UUID?, skipped: Int) {
        let current = keys.currentKeyID
        let keys = self.keys
        return try await pool.withTransaction { connection in
            SessionScope.system(.keyRotation).apply(sharingOffices: [], connection)
            // The next ids first, unlocked, so that a skipped (locked) row still moves `after` on.
            let candidates = try connection.query(
                """
                SELECT case_id FROM case_keys WHERE case_id > \(after) AND key IS NOT NULL AND key_id IS DISTINCT FROM \(current)
                ORDER BY case_id LIMIT \(limit)
                """
            ).map { try $0.decode("case_id", as: UUID.self) }
            guard let last = candidates.last else { return (Progress(), nil, 0) }
            let locked = try connection.query(
                """
                SELECT case_id, key FROM case_keys WHERE case_id = ANY(\(candidates)) AND key IS NOT NULL
                    AND key_id IS DISTINCT FROM \(current)
                FOR UPDATE SKIP LOCKED
                """)
            var done = Progress()
            var skipped = candidates.count - locked.count
            var ids: [UUID] = []
            var wrappedKeys: [String] = []
            var keyIDs: [String] = []
            for row in locked {
                let caseID: UUID = try row.decode("case_id")
                let stored = try keys.unwrap(try row.decode("key", as: Data.self), for: caseID)
                if !stored.sealsContent {
                    guard try Self.sealLegacyContent(of: caseID, key: stored.key, keys: keys, connection) else {
                        skipped += 1
                        continue
                    }
                    done.sealed += 1
                }
                let (keyID, wrapped) = keys.wrap(stored.key, for: caseID)
                ids.append(caseID)
                wrappedKeys.append(Hex.encode(wrapped))
                keyIDs.append(keyID)
            }
            // The batch's keys in one statement (one per key made a rotation of a million
            // cases take most of an hour).
            if !ids.isEmpty {
                try connection.execute(
                    """
                    UPDATE case_keys SET key = decode(batch.key, 'hex'), key_id = batch.key_id
                    FROM unnest(\(ids)::uuid[], \(wrappedKeys)::text[], \(keyIDs)::text[]) AS batch (case_id, key, key_id)
                    WHERE case_keys.case_id = batch.case_id
                    """)
            }
            done.rewrapped = ids.count
            return (done, last, skipped)
        }
    }

    /// Seals what a case written before encryption holds in plain; false when its row is in
    /// use (taken on the next pass).
    static func sealLegacyContent(of caseID: UUID, key: CaseKey, keys: KeyRing, _ connection: isolated PostgresConnection) throws -> Bool {
        let seal = CaseSeal(newCaseKey: key)
        let cases = try connection.query(
            "SELECT title, narrative, filer, snapshot, office, opened_at FROM cases WHERE id = \(caseID) FOR UPDATE SKIP LOCKED")
        guard let row = cases.first else { return false }
        let filer = try row.decode("filer", as: Data?.self).map { String(decoding: $0, as: UTF8.self) }
        var snapshot = try row.decode("snapshot", as: PostgresJSON<SnapshotDocument>.self).value
        snapshot.sealTextFields(seal, caseID: caseID)
        try connection.execute(
            """
            UPDATE cases SET snapshot = \(PostgresJSON(snapshot)),
                title = \(seal.seal(try row.decode("title", as: Data.self), at: SealedPlace("cases", "title", row: caseID))),
                narrative = \(seal.seal(try row.decode("narrative", as: Data.self), at: SealedPlace("cases", "narrative", row: caseID))),
                filer = \(filer.map { seal.seal($0, at: SealedPlace("cases", "filer", row: caseID)) }),
                filed_by = \(filer.map(keys.filerTag))
            WHERE id = \(caseID)
            """)
        // The words the search finds it by, from what is about to be sealed.
        var texts = [try row.decode("title", as: Data.self), try row.decode("narrative", as: Data.self)]
        var commentIDs: [UUID] = []
        var sealedBodies: [String] = []
        for comment in try connection.query("SELECT id, body FROM comments WHERE case_id = \(caseID)") {
            let id: UUID = try comment.decode("id")
            texts.append(try comment.decode("body", as: Data.self))
            commentIDs.append(id)
            sealedBodies.append(Hex.encode(seal.seal(try comment.decode("body", as: Data.self), at: CaseCommentRow.place(id))))
        }
        // Every note of the case in one statement (a case has several; files and subject views
        // are few, and written one by one below).
        if !commentIDs.isEmpty {
            try connection.execute(
                """
                UPDATE comments SET body = decode(sealed.body, 'hex')
                FROM unnest(\(commentIDs)::uuid[], \(sealedBodies)::text[]) AS sealed (id, body) WHERE comments.id = sealed.id
                """)
        }
        let words = SearchWords.words(texts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n"))
        try connection.execute(
            """
            INSERT INTO case_search (case_id, office, opened_at, tags)
            VALUES (\(caseID), \(try row.decode("office", as: String.self)), \(try row.decode("opened_at", as: Date.self)),
                    \(words.map { keys.tagBits("word", $0) }))
            ON CONFLICT (case_id) DO NOTHING
            """)
        if let answers = try connection.query("SELECT answers FROM case_answers WHERE case_id = \(caseID)").first {
            let sealed = seal.seal(try answers.decode("answers", as: Data.self), at: SealedPlace("case_answers", "answers", row: caseID))
            try connection.execute("UPDATE case_answers SET answers = \(sealed) WHERE case_id = \(caseID)")
        }
        for view in try connection.query("SELECT subject_id, allegations_summary FROM subject_views WHERE case_id = \(caseID)") {
            let subject: String = try view.decode("subject_id")
            let summary = seal.seal(try view.decode("allegations_summary", as: Data.self), at: SubjectView.place(caseID, subject: subject))
            try connection.execute(
                "UPDATE subject_views SET allegations_summary = \(summary) WHERE case_id = \(caseID) AND subject_id = \(subject)")
        }
        for file in try connection.query("SELECT id, name FROM attachments WHERE case_id = \(caseID)") {
            let id: UUID = try file.decode("id")
            let name = seal.seal(try file.decode("name", as: Data.self), at: StoredAttachment.namePlace(id))
            try connection.execute("UPDATE attachments SET name = \(name) WHERE id = \(id)")
            for chunk in try connection.query("SELECT seq, data FROM attachment_chunks WHERE attachment_id = \(id)") {
                let seq: Int = try chunk.decode("seq")
                let data = seal.seal(try chunk.decode("data", as: Data.self), at: StoredAttachment.chunkPlace(id, seq: seq))
                try connection.execute("UPDATE attachment_chunks SET data = \(data) WHERE attachment_id = \(id) AND seq = \(seq)")
            }
        }
        return true
    }
}
