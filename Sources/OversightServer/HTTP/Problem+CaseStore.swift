import Foundation
import HTTPTypes
import OversightDomain
import OversightStore

extension Problem {
    /// The problem a store refusal becomes. A hidden case and a missing one give the same 404.
    init(_ error: CaseStoreError) {
        switch error {
        case .notFound:
            self.init(.notFound, detail: "no such resource")
        case .forbidden(let action):
            self.init(.forbidden, detail: "you may not \(action.rawValue.replacingOccurrences(of: "_", with: " ")) on this case")
        case .versionMismatch(let current):
            self.init(.staleVersion, detail: "the case is at version \(current); read it again before changing it")
        case .refused(let refusal):
            self.init(.transitionRefused(refusal.slug), detail: refusal.description)
        case .routing(let refusal):
            switch refusal {
            case .unknownCategory: self.init(.unknownCategory, detail: refusal.description)
            case .unknownPlace: self.init(.unknownPlace, detail: refusal.description)
            }
        case .idempotencyKeyReused:
            self.init(.idempotencyKeyReused, detail: "this Idempotency-Key was used with a different request body")
        case .cannotAssign(let why):
            self.init(.cannotAssign, detail: why)
        case .alreadyAssigned:
            self.init(Kind.alreadyAssigned, detail: "the case is already assigned; a lead or head reassigns it")
        case .unknownWorkflow(let kind):
            self.init(.internalError, detail: "no workflow for \(kind)")
        case .closed:
            self.init(Kind.caseClosed, detail: "the case is closed; only a reopen by the head changes it")
        case .rateLimited(let seconds):
            self.init(
                .rateLimited, detail: "too many filings in a short time; try again in \(seconds) seconds",
                headers: [.retryAfter: String(seconds)])
        case .cannotNameSelf:
            self.init(.cannotNameSelf, detail: "you cannot name yourself on a case; ask a lead or the head to record your conflict")
        case .invalidCursor:
            self.init(.invalidCursor, detail: "the cursor is not one this service issued")
        case .referencesExhausted:
            self.init(.internalError, detail: "the request could not be completed; quote the request id to support")
        }
    }
}
