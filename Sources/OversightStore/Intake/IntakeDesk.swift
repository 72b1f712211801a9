import Crypto
import Foundation
import NIOPosix
import OversightDomain
import PostgresClient
import _CryptoExtras

/// A receipt: sixteen digits from the system's CSPRNG, shown to the anonymous reporter once
/// and never kept in clear (only `ReceiptHasher`'s hash of it is stored).
public enum IntakeReceipt {
    public static let length = 16

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    /// Sixteen ASCII digits, nothing else (no spaces, no other numerals).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}

/// Turns a receipt into what is stored of it.
public protocol ReceiptHashing: Sendable {
    func hash(_ receipt: String) async throws -> Data
}

/// Hashes receipts with scrypt under the installation's salt. Slow on purpose: a guess costs
/// whoever makes it as much as an honest exchange costs the service. The cost is a setting
/// (`intake.receipt_cost`: log2 of scrypt's rounds).
public struct ReceiptHasher: ReceiptHashing {
    let salt: [UInt8]
    let log2Rounds: Int

    public init(salt: [UInt8], log2Rounds: Int) {
        self.salt = salt
        self.log2Rounds = log2Rounds
    }

    /// On NIO's pool for blocking work: a tenth of a second of CPU would otherwise hold one of
    /// the few threads every request's async work runs on.
    public func hash(_ receipt: String) async throws -> Data {
        let (salt, rounds) = (salt, 1 << log2Rounds)
        return try await NIOThreadPool.singleton.runIfActive {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(receipt.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: 8, parallelism: 1)
            return key.withUnsafeBytes { Data($0) }
        }
    }
}

/// What an anonymous reporter is given on filing: the case's reference and status, and the
/// receipt that is their only way back.
public struct AnonymousFilingReceipt: Sendable, Hashable, Codable {
    public let reference: String
    public let status: String
    public let receipt: String
    /// The cases the answers opened at other offices: the same receipt reaches them.
    public let alsoOpened: [String]
}

/// An open reporter session: its bearer token (shown once) and when it ends.
public struct IntakeSession: Sendable, Hashable {
    public let token: String
    public let reference: String
    public let expiresAt: Date
    /// The other cases the same report opened (each office's own), which the session reaches too.
    public let alsoOpened: [String]
}

/// Anonymous intake (Schema/0020): files a case for nobody in particular, exchanges a receipt
/// for a short session that acts as the case's reporter, and resolves such sessions.
public struct IntakeDesk: Sendable {
    /// What a session token starts with, so that the authentication tells it from a JWT.
    public static let sessionTokenPrefix = "ors_"

    let store: CaseStore
    let hasher: any ReceiptHashing
    let sessionLifetime: Duration

    public init(store: CaseStore, hasher: any ReceiptHashing, sessionLifetime: Duration) {
        self.store = store
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
    }

    /// Files `filing` anonymously. The case's reporter is a random key that stands for no one;
    /// the receipt's hash is stored in the same transaction, so a receipt never points nowhere.
    public func file(_ filing: Filing, at time: Date? = nil) async throws -> AnonymousFilingReceipt {
        let now = CaseEventChain.microsecondPrecision(time ?? store.clock())
        let reporter = Actor(id: "anonymous-" + Self.randomHex(bytes: 16), memberships: [])
        let receipt = IntakeReceipt.generate()
        let hash = try await hasher.hash(receipt)
        let store = self.store
        let filed = try await store.transaction(.person(reporter)) { connection in
            let (created, filed) = try store.openFiledCase(filing, by: reporter, anonymous: true, at: now, connection)
            SessionScope.system(.intake).apply(sharingOffices: [], connection)
            try connection.execute(
                "INSERT INTO intake_receipts (receipt_hash, case_id, reporter) VALUES (\(hash), \(created.id), \(reporter.id))")
            return filed
        }
        return AnonymousFilingReceipt(reference: filed.reference, status: filed.status, receipt: receipt, alsoOpened: filed.alsoOpened)
    }

    /// Exchanges a receipt for a session; nil when no case has it. Every receipt costs the
    /// same: one hash and one statement, whether it finds a case or not.
    public func openSession(receipt: String) async throws -> IntakeSession? {
        let hash = try await hasher.hash(receipt)
        let token = Self.sessionTokenPrefix + Self.randomHex(bytes: 32)
        let tokenHash = Data(SHA256.hash(data: Data(token.utf8)))
        let seconds = Int(sessionLifetime.components.seconds)
        let rows = try await store.transaction(.system(.intake)) { connection in
            try connection.query(
                """
                WITH receipt AS (SELECT r.case_id, r.reporter, c.reference FROM intake_receipts r JOIN cases c ON c.id = r.case_id
                                 WHERE r.receipt_hash = \(hash)),
                     ended AS (DELETE FROM intake_sessions WHERE expires_at < now()),
                     opened AS (INSERT INTO intake_sessions (token_hash, case_id, reporter, expires_at)
                                SELECT \(tokenHash), case_id, reporter, now() + make_interval(secs => \(seconds)) FROM receipt
                                RETURNING expires_at)
                SELECT receipt.reference, opened.expires_at,
                       ARRAY(SELECT l.linked_reference FROM case_links l WHERE l.case_id = receipt.case_id AND l.relation = 'reported_with'
                             ORDER BY l.linked_reference) AS also_opened
                FROM receipt, opened
                """)
        }
        guard let row = rows.first else { return nil }
        return IntakeSession(
            token: token, reference: try row.decode("reference", as: String.self), expiresAt: try row.decode("expires_at", as: Date.self),
            alsoOpened: try row.decode("also_opened", as: [String].self))
    }

    /// The reporter a live session acts as; nil for an unknown, ended or expired token.
    public func reporter(ofSession token: String) async throws -> Actor? {
        let tokenHash = Data(SHA256.hash(data: Data(token.utf8)))
        let rows = try await store.transaction(.system(.intake)) { connection in
            try connection.query("SELECT reporter FROM intake_sessions WHERE token_hash = \(tokenHash) AND expires_at > now()")
        }
        guard let row = rows.first else { return nil }
        return Actor(id: try row.decode("reporter", as: String.self), memberships: [])
    }

    /// Ends a session at the reporter's request; true when there was one.
    public func endSession(_ token: String) async throws -> Bool {
        let tokenHash = Data(SHA256.hash(data: Data(token.utf8)))
        return try await store.transaction(.system(.intake)) { connection in
            try connection.execute("DELETE FROM intake_sessions WHERE token_hash = \(tokenHash)") > 0
        }
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
