import Foundation
import OversightDomain
import Synchronization

/// A bounded map from verified token to its actor, expiry and signing key. Emptied when full
/// rather than kept in LRU order: refilling costs one verification per active client. An entry
/// whose key the identity provider withdrew is not served (`keyStillValid`).
final class VerifiedTokens: Sendable {
    struct Entry: Sendable {
        let actor: Actor
        let expires: Date
        /// The JWKS kid that signed it; nil for the HMAC secret.
        let kid: String?
    }

    private let entries = Mutex<[String: Entry]>([:])
    static let capacity = 10_000

    func actor(for token: String, at now: Date, keyStillValid: (String?) -> Bool = { _ in true }) -> Actor? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now, keyStillValid(entry.kid) else {
                entries[token] = nil
                return nil
            }
            return entry.actor
        }
    }

    func remember(_ token: String, actor: Actor, until expires: Date, kid: String? = nil) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(actor: actor, expires: expires, kid: kid)
        }
    }
}
