import Foundation

/// Why the engine refused a transition. `slug` is stable: the HTTP layer turns it into a
/// problem type.
public enum TransitionRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTransition(String)
    /// The actor is a party to the case, declared a conflict, or belongs to an office the
    /// case is sealed from.
    case recused
    /// A subject works in the office: until the head assigns it, only the head acts on it.
    case restrictedToHead
    case wrongState(transition: String, state: String)
    case roleNotAllowed(transition: String, allowed: [TransitionRole])
    case missingField(String)
    /// A field given a value outside its closed list.
    case invalidChoice(field: String, allowed: [String])
    case guardFailed(Guard)

    public var slug: String {
        switch self {
        case .unknownTransition: "unknown-transition"
        case .recused: "recused"
        case .restrictedToHead: "restricted-to-head"
        case .wrongState: "wrong-state"
        case .roleNotAllowed: "role-not-allowed"
        case .missingField: "missing-field"
        case .invalidChoice: "invalid-choice"
        case .guardFailed: "guard-failed"
        }
    }

    public var description: String {
        switch self {
        case .unknownTransition(let name): "no transition \"\(name)\" in this workflow"
        case .recused: "the actor is recused from this case"
        case .restrictedToHead: "only the head of office, or the officer the head assigned, acts on this case"
        case .wrongState(let transition, let state): "\"\(transition)\" cannot be taken from state \"\(state)\""
        case .roleNotAllowed(let transition, let allowed):
            "\"\(transition)\" may be taken by \(allowed.map(\.rawValue).joined(separator: ", ")) only"
        case .missingField(let field): "the field \"\(field)\" is required"
        case .invalidChoice(let field, let allowed): "the field \"\(field)\" must be one of \(allowed.joined(separator: ", "))"
        case .guardFailed(let guardCondition): "the guard \(guardCondition) does not hold"
        }
    }
}

/// What the engine decided: the case after the transition, the event to record, and the
/// effects the store carries out in the same transaction.
public struct TransitionDecision: Sendable, Hashable {
    public let transition: String
    public let from: String
    public let to: String
    public let actorID: String
    public let at: Date
    public let input: [String: FieldValue]
    /// The case after the transition (state, fields, clocks, outcome).
    public let snapshot: CaseSnapshot
    /// Notifications, linked cases and redaction for the store to carry out.
    public let effects: [Effect]
    public let closed: Bool
    public let reopened: Bool
}
