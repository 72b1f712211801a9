import Crypto
import Foundation
import NIOCore
import OversightDomain
import PostgresClient

/// A file attached to a case, as stored (Schema/0023).
public struct StoredAttachment: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Held back until the reporter confirms, its metadata having been shown to them.
        case held
        case shared
    }

    public let id: UUID
    public let name: String
    public let mediaType: String
    public let kind: EvidenceType
    public let size: Int
    /// Hex; the same as in the case's history.
    public let sha256: String
    /// "reporter" for the reporter, else the officer's id.
    public let uploadedBy: String
    public let uploadedAt: Date
    public let state: State
    public let warnings: [String]
    /// How many chunks the content is stored in, for a download to read one by one.
    public let chunks: Int
}

/// Why an upload was refused. Every refusal leaves nothing stored.
public enum AttachmentRefusal: Error, Sendable, Hashable {
    case badName(EvidenceFileName.Refusal)
    case typeNotAllowed(String)
    case empty
    case tooLarge(limit: Int)
    case caseFull(limit: Int)
    case contentMismatch(declared: EvidenceType, found: EvidenceType?)
    /// Only a held file is confirmed or discarded, and only by the reporter.
    case notHeld
}

extension CaseStore {
    /// Bytes stored per row of `attachment_chunks`: small enough that an upload or a download
    /// holds one in memory at a time, large enough that 20 MB is 80 rows.
    static let attachmentChunkBytes = 256 * 1024

    /// Streams `body` into the case as a file named `name`, sent as `mediaType`. All in one
    /// transaction: the case is read (not locked) while the bytes arrive, then locked to record
    /// the file; a body that ends early, grows past the limits or turns out not to be what it
    /// was declared as rolls everything back. A file from the reporter that carries metadata
    /// is held until they confirm it; any other is shared with the office at once, its SHA-256
    /// recorded in the case's history.
    public func attach<Body: AsyncSequence & Sendable>(
        _ reference: String, name: String, mediaType: String, declaredLength: Int?, body: Body, by actor: Actor, at time: Date? = nil
    ) async throws -> StoredAttachment where Body.Element == ByteBuffer {
        let (fileName, declared, rules) = try checkUpload(name: name, mediaType: mediaType, declaredLength: declaredLength)
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await awaitingTransaction(.person(actor)) { connection in
            guard let record = try store.load(reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            let access = store.checkedAccess(actor, to: record)
            guard access.discloses(.summary) else { throw CaseStoreError.notFound }
            let needed: CaseAction = access.writesAsReporter ? .messageReporter : .comment
            guard access.allows(needed) else { throw CaseStoreError.forbidden(needed) }
            let uploader = access.writesAsReporter ? EventActor.reporter : actor.id
            // Row security lets only a system scope lock a key row (a lock is checked against
            // the update policy): taken as the upload job, then the person's scope is back.
            SessionScope.system(.evidenceUpload).apply(sharingOffices: store.sharingOffices, connection)
            let seal = try store.lockedSeal(record.id, connection)
            SessionScope.person(actor).apply(
                sharingOffices: store.sharingOffices, followsUp: store.policy.followsUpRecommendations(actor), keys: store.keyRing,
                connection)
            let (id, upload) = try await Self.streamAttachment(
                body, named: fileName, as: declared, mediaType: mediaType, into: record.id, seal: seal, by: uploader, rules: rules, at: now,
                connection)
            let warnings = upload.warnings
            let state: StoredAttachment.State = access.writesAsReporter && !warnings.isEmpty ? .held : .shared
            try Self.finishAttachment(id, upload, state: state, connection)
            let (locked, _) = try store.lockVisible(reference, for: actor, connection)
            try Self.checkCaseRoom(record.id, rules, connection)
            try Self.recordAttachment(
                id, kind: declared, size: upload.size, digest: upload.digest, in: locked, shared: state == .shared,
                byReporter: access.writesAsReporter, actor: uploader, at: now, connection)
            return StoredAttachment(id, upload, name: fileName, mediaType: mediaType, uploadedBy: uploader, at: now, state: state)
        }
    }

    /// The subject of an allegation attaches a file to their response, while their comment
    /// period is open. They cannot read the case: once their own open view is found, the file
    /// is written as the subject-response job, shared at once, recorded as the subject's.
    public func attachAsSubject<Body: AsyncSequence & Sendable>(
        _ reference: String, name: String, mediaType: String, declaredLength: Int?, body: Body, by actor: Actor, at time: Date? = nil
    ) async throws -> StoredAttachment where Body.Element == ByteBuffer {
        let (fileName, declared, rules) = try checkUpload(name: name, mediaType: mediaType, declaredLength: declaredLength)
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let sharing = sharingOffices
        let store = self
        return try await awaitingTransaction(.person(actor)) { connection in
            let rows = try connection.query(
                "SELECT case_id FROM subject_views WHERE reference = \(reference) AND subject_id = \(actor.id) AND open")
            guard let caseID = try rows.first?.decode("case_id", as: UUID.self) else { throw CaseStoreError.notFound }
            SessionScope.system(.subjectResponse).apply(sharingOffices: sharing, connection)
            let (id, upload) = try await Self.streamAttachment(
                body, named: fileName, as: declared, mediaType: mediaType, into: caseID, seal: try store.lockedSeal(caseID, connection),
                by: EventActor.subject, rules: rules, at: now,
                connection)
            try Self.finishAttachment(id, upload, state: .shared, connection)
            guard let record = try store.load(reference, forUpdate: true, connection) else { throw CaseStoreError.notFound }
            try Self.checkCaseRoom(caseID, rules, connection)
            try Self.recordAttachment(
                id, kind: declared, size: upload.size, digest: upload.digest, in: record, shared: true, byReporter: false,
                actor: EventActor.subject, at: now, connection)
            return StoredAttachment(id, upload, name: fileName, mediaType: mediaType, uploadedBy: EventActor.subject, at: now, state: .shared)
        }
    }

    /// What is refused before a byte is read: the name, the declared type, a declared length
    /// past the limit.
    func checkUpload(name: String, mediaType: String, declaredLength: Int?) throws(CaseStoreError) -> (String, EvidenceType, EvidenceRules) {
        let rules = configuration.evidence
        let fileName: String
        do {
            fileName = try EvidenceFileName.check(name)
        } catch {
            throw .attachment(.badName(error))
        }
        guard let declared = EvidenceType.declared(mediaType), rules.allowed.contains(declared) else {
            throw .attachment(.typeNotAllowed(mediaType))
        }
        if let declaredLength, declaredLength > rules.maximumFileBytes { throw .attachment(.tooLarge(limit: rules.maximumFileBytes)) }
        return (fileName, declared, rules)
    }

    /// The seal an upload writes with, its key row share-locked to the end of the transaction:
    /// `keys rotate` cannot seal a legacy case while an upload still writes its content plain
    /// (nor can a re-wrap wait on it: the lock conflicts with a row lock, not with an update).
    func lockedSeal(_ caseID: UUID, _ connection: isolated PostgresConnection) throws -> CaseSeal {
        let rows = try connection.query("SELECT coalesce(key, '\\x'::bytea) AS key FROM case_keys WHERE case_id = \(caseID) FOR KEY SHARE")
        return try keyRing.seal(try rows.first?.decode("key", as: Data.self), for: caseID)
    }

    /// Streams the body into a new file of the case, in this transaction: the row first (seen
    /// by this transaction only), then each chunk as it fills, sealed with `seal`.
    static func streamAttachment<Body: AsyncSequence & Sendable>(
        _ body: Body, named name: String, as declared: EvidenceType, mediaType: String, into caseID: UUID, seal: CaseSeal,
        by uploader: String, rules: EvidenceRules, at now: Date, _ connection: isolated PostgresConnection
    ) async throws -> (UUID, EvidenceUpload) where Body.Element == ByteBuffer {
        let room = rules.maximumCaseBytes - (try attachedBytes(caseID, connection))
        let id = UUID()
        let sealedName = seal.seal(name, at: StoredAttachment.namePlace(id))
        try connection.execute(
            """
            INSERT INTO attachments (id, case_id, name, media_type, kind, size, uploaded_by, uploaded_at, state)
            VALUES (\(id), \(caseID), \(sealedName), \(StoredAttachment.bare(mediaType)), \(declared.rawValue), 0, \(uploader), \(now), 'uploading')
            """)
        var upload = EvidenceUpload(declared: declared, fileLimit: rules.maximumFileBytes, caseRoom: room, caseLimit: rules.maximumCaseBytes)
        for try await buffer in body {
            for chunk in try upload.take(buffer) { try storeChunk(chunk, of: id, seal: seal, connection) }
        }
        if let last = try upload.finish() { try storeChunk(last, of: id, seal: seal, connection) }
        return (id, upload)
    }

    static func finishAttachment(_ id: UUID, _ upload: EvidenceUpload, state: StoredAttachment.State, _ connection: isolated PostgresConnection)
        throws
    {
        try connection.execute(
            """
            UPDATE attachments SET size = \(upload.size), sha256 = \(upload.digest), state = \(state.rawValue), warnings = \(upload.warnings)
            WHERE id = \(id)
            """)
    }

    /// The files of a case that `actor` may see: those shared with the office for those who
    /// work the case, their own for the reporter.
    public func attachments(_ reference: String, for actor: Actor) async throws -> [StoredAttachment] {
        let store = self
        return try await transaction(.person(actor)) { connection in
            guard let record = try store.load(reference, forUpdate: false, connection) else { throw CaseStoreError.notFound }
            guard store.checkedAccess(actor, to: record).discloses(.reporterThread) else { throw CaseStoreError.notFound }
            return try connection.query(
                """
                SELECT a.*, (SELECT count(*) FROM attachment_chunks c WHERE c.attachment_id = a.id) AS chunks FROM attachments a
                WHERE a.case_id = \(record.id) AND a.state <> 'uploading' ORDER BY a.uploaded_at, a.id
                """
            ).map { try StoredAttachment(row: $0, seal: record.seal) }
        }
    }

    /// One file's record, for a download; nil when `actor` may not see it.
    public func attachment(_ reference: String, id: UUID, for actor: Actor) async throws -> StoredAttachment? {
        try await attachments(reference, for: actor).first { $0.id == id }
    }

    /// One chunk of a file `actor` may see (row security decides), in order from 0.
    public func attachmentChunk(_ id: UUID, seq: Int, for actor: Actor) async throws -> Data {
        let rows = try await transaction(.person(actor)) { connection in
            try connection.query(
                """
                SELECT c.data, a.case_id, coalesce(k.key, '\\x'::bytea) AS case_key
                FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id LEFT JOIN case_keys k ON k.case_id = a.case_id
                WHERE c.attachment_id = \(id) AND c.seq = \(seq)
                """)
        }
        guard let row = rows.first else { throw CaseStoreError.notFound }
        let caseID: UUID = try row.decode("case_id")
        let seal = try keyRing.seal(try row.decode("case_key", as: Data?.self), for: caseID)
        return try seal.open(try row.decode("data", as: Data.self), at: StoredAttachment.chunkPlace(id, seq: seq))
    }

    /// The reporter shares a held file with the office, having read its warnings.
    public func shareAttachment(_ reference: String, id: UUID, by actor: Actor, at time: Date? = nil) async throws -> StoredAttachment {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard access.writesAsReporter else { throw CaseStoreError.attachment(.notHeld) }
            let rows = try connection.query(
                """
                UPDATE attachments SET state = 'shared' WHERE id = \(id) AND case_id = \(record.id) AND state = 'held'
                RETURNING *, (SELECT count(*) FROM attachment_chunks c WHERE c.attachment_id = attachments.id) AS chunks
                """)
            guard let row = rows.first else { throw CaseStoreError.attachment(.notHeld) }
            let shared = try StoredAttachment(row: row, seal: record.seal)
            try Self.recordAttachment(
                id, kind: shared.kind, size: shared.size, digest: try row.decode("sha256", as: Data.self), in: record, shared: true,
                byReporter: true, actor: EventActor.reporter, at: now, connection)
            return shared
        }
    }

    /// The reporter discards a held file: it is gone, and the office never learns of it.
    public func discardAttachment(_ reference: String, id: UUID, by actor: Actor) async throws {
        let store = self
        try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard access.writesAsReporter,
                try connection.execute("DELETE FROM attachments WHERE id = \(id) AND case_id = \(record.id) AND state = 'held'") == 1
            else { throw CaseStoreError.attachment(.notHeld) }
        }
    }

    /// The case's limit, counted again once the case is locked: another upload may have
    /// finished while this one streamed (each counted the other's file as not there yet).
    static func checkCaseRoom(_ caseID: UUID, _ rules: EvidenceRules, _ connection: isolated PostgresConnection) throws {
        if try attachedBytes(caseID, connection) > rules.maximumCaseBytes {
            throw CaseStoreError.attachment(.caseFull(limit: rules.maximumCaseBytes))
        }
    }

    static func attachedBytes(_ caseID: UUID, _ connection: isolated PostgresConnection) throws -> Int {
        try connection.query("SELECT attachment_bytes(\(caseID)) AS n")[0].decode("n", as: Int.self)
    }

    static func storeChunk(_ chunk: EvidenceUpload.Chunk, of id: UUID, seal: CaseSeal, _ connection: isolated PostgresConnection) throws {
        let data = seal.seal(chunk.bytes, at: StoredAttachment.chunkPlace(id, seq: chunk.seq))
        try connection.execute(
            ("INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (\(id), \(chunk.seq), \(data))" as PostgresQuery).prepared())
    }

    /// The history's record of a file shared with the office (its id, kind, size and SHA-256:
    /// not its name, which may name someone and would outlive a redaction there), and the
    /// versions that tell readers the case changed.
    static func recordAttachment(
        _ id: UUID, kind: EvidenceType, size: Int, digest: Data, in record: CaseRecord, shared: Bool, byReporter: Bool, actor: String,
        at now: Date, _ connection: isolated PostgresConnection
    ) throws {
        var head = (seq: record.eventSeq, hash: record.eventHash)
        if shared {
            head = try appendEvents(
                [
                    NewEvent(
                        "attached",
                        ["attachment_id": id.uuidString.lowercased(), "kind": kind.rawValue, "size": String(size), "sha256": Hex.encode(digest)])
                ], to: record.id, after: head, actor: actor, at: now, connection)
        }
        try connection.execute(
            """
            UPDATE cases SET version = version + \(shared ? 1 : 0), reporter_version = reporter_version + \(byReporter ? 1 : 0),
                event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
            WHERE id = \(record.id)
            """)
    }
}

extension StoredAttachment {
    /// The declared type without its parameters, lower-case.
    static func bare(_ mediaType: String) -> String {
        mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? mediaType
    }

    init(_ id: UUID, _ upload: EvidenceUpload, name: String, mediaType: String, uploadedBy: String, at now: Date, state: State) {
        self.id = id
        self.name = name
        self.mediaType = Self.bare(mediaType)
        kind = upload.declared
        size = upload.size
        sha256 = Hex.encode(upload.digest)
        self.uploadedBy = uploadedBy
        uploadedAt = now
        self.state = state
        warnings = upload.warnings
        chunks = upload.chunksStored
    }

    static func namePlace(_ id: UUID) -> SealedPlace { SealedPlace("attachments", "name", row: id) }

    static func chunkPlace(_ id: UUID, seq: Int) -> SealedPlace {
        SealedPlace("attachment_chunks", "data", row: "\(id.lowercasedText)/\(seq)")
    }

    /// Reads a file's row, its name opened with the case's `seal`.
    init(row: PostgresRow, seal: CaseSeal) throws {
        let id: UUID = try row.decode("id")
        self.id = id
        name = try seal.openText(try row.decode("name"), at: Self.namePlace(id))
        mediaType = try row.decode("media_type")
        kind = try StoredValue.parse(row, "kind", EvidenceType.init(rawValue:))
        size = try row.decode("size")
        sha256 = Hex.encode(try row.decode("sha256", as: Data.self))
        uploadedBy = try row.decode("uploaded_by")
        uploadedAt = try row.decode("uploaded_at")
        state = try StoredValue.parse(row, "state", State.init(rawValue:))
        warnings = try row.decode("warnings")
        chunks = try row.decode("chunks")
    }
}

/// An upload as it streams: cut into chunks, hashed, its kind told from its first bytes and
/// checked against the declared one, scanned for metadata, stopped at the limit.
struct EvidenceUpload {
    struct Chunk {
        let seq: Int
        let bytes: [UInt8]
    }

    let declared: EvidenceType
    let fileLimit: Int
    /// What the case's other files leave of its limit.
    let caseRoom: Int
    let caseLimit: Int
    private(set) var size = 0
    private(set) var chunksStored = 0
    private var pending: [UInt8] = []
    private var hasher = SHA256()
    private var scan: EvidenceMetadataScan
    private var checked = false
    private var digestValue: Data?

    init(declared: EvidenceType, fileLimit: Int, caseRoom: Int, caseLimit: Int) {
        self.declared = declared
        self.fileLimit = fileLimit
        self.caseRoom = caseRoom
        self.caseLimit = caseLimit
        self.scan = EvidenceMetadataScan(type: declared)
        pending.reserveCapacity(CaseStore.attachmentChunkBytes)
    }

    /// Takes what arrived; returns the chunks now full, to be stored.
    mutating func take(_ buffer: ByteBuffer) throws(CaseStoreError) -> [Chunk] {
        size += buffer.readableBytes
        guard size <= fileLimit else { throw .attachment(.tooLarge(limit: fileLimit)) }
        guard size <= caseRoom else { throw .attachment(.caseFull(limit: caseLimit)) }
        buffer.withUnsafeReadableBytes { bytes in
            hasher.update(bufferPointer: bytes)
            pending.append(contentsOf: bytes)
        }
        var full: [Chunk] = []
        while pending.count >= CaseStore.attachmentChunkBytes {
            full.append(try cut(CaseStore.attachmentChunkBytes))
        }
        return full
    }

    /// The last, partial chunk (nil when there is none); refuses an empty file.
    mutating func finish() throws(CaseStoreError) -> Chunk? {
        guard size > 0 else { throw .attachment(.empty) }
        digestValue = Data(hasher.finalize())
        return pending.isEmpty ? nil : try cut(pending.count)
    }

    var digest: Data { digestValue ?? Data() }
    var warnings: [String] { scan.warnings }

    private mutating func cut(_ count: Int) throws(CaseStoreError) -> Chunk {
        if !checked {
            // The first chunk holds the first 64 KB whenever the file is that large.
            let found = EvidenceType.sniff(Array(pending.prefix(EvidenceType.sniffLength)))
            guard found == declared else { throw .attachment(.contentMismatch(declared: declared, found: found)) }
            checked = true
        }
        let bytes = Array(pending.prefix(count))
        pending.removeFirst(count)
        if declared == .plainText || declared == .email, bytes.contains(0) {
            throw .attachment(.contentMismatch(declared: declared, found: nil))
        }
        scan.scan(bytes)
        defer { chunksStored += 1 }
        return Chunk(seq: chunksStored, bytes: bytes)
    }
}
