import Foundation
import HTTPTypes
import Hummingbird
import OversightDomain
import OversightStore

/// A store refusal answers as its problem, wherever it is thrown: handlers need not catch it.
extension CaseStoreError: ProblemConvertible {
    /// The problem a store refusal becomes. A hidden case and a missing one give the same 404.
    public var problem: Problem {
        switch self {
        case .notFound:
            Problem(.notFound, detail: "no such resource")
        case .forbidden(let action):
            Problem(.forbidden, detail: "you may not \(action.rawValue.replacingOccurrences(of: "_", with: " ")) on this case")
        case .versionMismatch(let current):
            Problem(.staleVersion, detail: "the case is at version \(current); read it again before changing it")
        case .refused(let refusal):
            Problem(.transitionRefused(refusal.slug), detail: refusal.description)
        case .routing(let refusal):
            switch refusal {
            case .unknownCategory: Problem(.unknownCategory, detail: refusal.description)
            case .unknownPlace: Problem(.unknownPlace, detail: refusal.description)
            }
        case .notHeadOfOffice:
            Problem(.forbidden, detail: "only the head of the case's office sets or lifts a legal hold")
        case .legalHold(let alreadyHeld):
            Problem(.legalHoldConflict, detail: alreadyHeld ? "the case is already under a legal hold" : "the case is under no legal hold")
        case .attachment(let refusal):
            refusal.problem
        case .answers(let problem):
            Problem(.invalidAnswers, detail: problem.description)
        case .idempotencyKeyReused:
            Problem(.idempotencyKeyReused, detail: "this Idempotency-Key was used with a different request body")
        case .cannotAssign(let why):
            Problem(.cannotAssign, detail: why)
        case .alreadyAssigned:
            Problem(.alreadyAssigned, detail: "the case is already assigned; a lead or head reassigns it")
        case .unknownWorkflow(let kind):
            Problem(.internalError, detail: "no workflow for \(kind)")
        case .closed:
            Problem(.caseClosed, detail: "the case is closed; only a reopen by the head changes it")
        case .rateLimited(let seconds):
            Problem(
                .rateLimited, detail: "too many filings in a short time; try again in \(seconds) seconds",
                headers: [.retryAfter: String(seconds)])
        case .cannotNameSelf:
            Problem(.cannotNameSelf, detail: "you cannot name yourself on a case; ask a lead or the head to record your conflict")
        case .invalidCursor:
            Problem(.invalidCursor, detail: "the cursor is not one this service issued")
        case .mayNotOpenPlannedWork:
            Problem(.forbidden, detail: "only the office's leads and head open its planned work")
        case .notPlannedWork(let kind, let office):
            Problem(.notPlannedWork, detail: "\(office) does not open \(kind) cases itself; see the workflows marked office_initiated")
        case .invalidPlannedWork(let why):
            Problem(.invalidPlan, detail: why)
        case .notAtReportStep(let state):
            Problem(.notAtReportStep, detail: "recommendations are issued at the report step, not in \"\(state)\"")
        case .invalidOwner(let why):
            Problem(.invalidOwner, detail: why)
        case .alreadyResponded:
            Problem(.alreadyResponded, detail: "your response is recorded; it cannot be replaced")
        case .referencesExhausted:
            Problem(.internalError, detail: "the request could not be completed; quote the request id to support")
        }
    }
}

extension AttachmentRefusal {
    var problem: Problem {
        switch self {
        case .badName(let why):
            Problem(.invalidFileName, detail: why.description)
        case .typeNotAllowed(let type):
            Problem(
                .fileTypeNotAllowed,
                detail: "\"\(type)\" is not accepted; send a PDF, an image, an Office document, plain text or an email (message/rfc822) with its type"
            )
        case .empty:
            Problem(.emptyFile, detail: "the file has no content")
        case .tooLarge(let limit):
            Problem(.fileTooLarge, detail: "a file may be at most \(limit >> 20) MB")
        case .caseFull(let limit):
            Problem(.caseFilesFull, detail: "a case's files may take \(limit >> 20) MB together")
        case .contentMismatch(let declared, let found):
            Problem(
                .contentMismatch,
                detail: "the file was sent as \(declared.rawValue) but its content is \(found.map { $0.rawValue } ?? "of no accepted type")")
        case .notHeld:
            Problem(.attachmentNotHeld, detail: "no file of yours is waiting for your confirmation under this id")
        }
    }
}
