import Foundation
import JWTKit
import Synchronization

/// The identity provider's public keys, from a JWKS file, reloaded when the file changes:
/// a key the provider withdrew stops working without a restart.
///
/// Each key is bound to one algorithm when it is loaded. jwt-kit would otherwise let the
/// first token that names a key choose the algorithm it is used with (`alg` pinned by a
/// request); a key without `alg` gets the one its type allows (RSA: RS256, the OpenID
/// Connect default; EC: by curve; OKP Ed25519: EdDSA).
final class IdentityProviderKeys: Sendable {
    struct Snapshot: Sendable {
        let collection: JWTKeyCollection
        /// kid -> the algorithm the key is bound to.
        let algorithms: [String: String]
        /// Bumped on every reload that changed the keys.
        let generation: Int
    }

    let path: String
    private let checkInterval: Duration
    private let state: Mutex<(snapshot: Snapshot, fileStamp: FileStamp?, checkedAt: ContinuousClock.Instant)>

    struct FileStamp: Equatable {
        let inode: UInt64
        let size: UInt64
        let modified: Date
    }

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, checkInterval: Duration = .seconds(1)) async throws {
        self.path = path
        self.checkInterval = checkInterval
        let stamp = Self.stamp(path)
        let snapshot = try await Self.load(path, generation: 1)
        state = Mutex((snapshot, stamp, ContinuousClock.now))
    }

    /// The current keys, reloading the file first when it changed (checked at most once per
    /// `checkInterval`). A file that became unreadable or invalid keeps the last good keys.
    func current() async -> Snapshot {
        let now = ContinuousClock.now
        let (snapshot, due, previousStamp) = state.withLock { state -> (Snapshot, Bool, FileStamp?) in
            let due = now - state.checkedAt >= checkInterval
            if due { state.checkedAt = now }
            return (state.snapshot, due, state.fileStamp)
        }
        guard due else { return snapshot }
        let stamp = Self.stamp(path)
        guard stamp != previousStamp, stamp != nil else { return snapshot }
        guard let reloaded = try? await Self.load(path, generation: snapshot.generation + 1) else { return snapshot }
        return state.withLock { state in
            // Another caller may have reloaded meanwhile; the newer generation wins.
            if state.snapshot.generation < reloaded.generation {
                state.snapshot = reloaded
                state.fileStamp = stamp
            }
            return state.snapshot
        }
    }

    static func stamp(_ path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
            size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }

    static func load(_ path: String, generation: Int) async throws -> Snapshot {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "auth.jwks_file \(path) cannot be read")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let keys = root["keys"] as? [[String: Any]] else {
            throw LoadError(description: "auth.jwks_file \(path) is not a JWKS (an object with a \"keys\" list)")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        for (index, var key) in keys.enumerated() {
            guard let kid = key["kid"] as? String, !kid.isEmpty else {
                throw LoadError(description: "auth.jwks_file \(path): keys[\(index)] has no kid")
            }
            let algorithm = try bind(key, at: "\(path): keys[\(index)] (\(kid))")
            key["alg"] = algorithm
            do {
                let jwk = try JSONDecoder().decode(JWK.self, from: JSONSerialization.data(withJSONObject: key))
                try await collection.add(jwk: jwk)
            } catch {
                throw LoadError(description: "auth.jwks_file \(path): keys[\(index)] (\(kid)) is not a usable public key: \(error)")
            }
            algorithms[kid] = algorithm
        }
        return Snapshot(collection: collection, algorithms: algorithms, generation: generation)
    }

    /// The one algorithm a key may be used with: its `alg` when that fits its type, else the
    /// type's default. Symmetric keys and `none` are refused outright.
    static func bind(_ key: [String: Any], at place: String) throws -> String {
        let type = key["kty"] as? String ?? ""
        let curve = key["crv"] as? String
        let allowed: [String]
        switch (type, curve) {
        case ("RSA", _): allowed = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case ("EC", "P-256"): allowed = ["ES256"]
        case ("EC", "P-384"): allowed = ["ES384"]
        case ("EC", "P-521"): allowed = ["ES512"]
        case ("OKP", "Ed25519"): allowed = ["EdDSA"]
        default:
            throw LoadError(
                description: "\(place): key type \(type)\(curve.map { "/" + $0 } ?? "") is not accepted (RSA, EC P-256/384/521, OKP Ed25519)")
        }
        guard let stated = key["alg"] as? String else { return allowed[0] }
        guard allowed.contains(stated) else { throw LoadError(description: "\(place): alg \(stated) does not fit a \(type) key") }
        return stated
    }
}
