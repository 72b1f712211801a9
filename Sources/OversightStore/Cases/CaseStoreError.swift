import OversightDomain

/// Why a case operation did not happen. The HTTP layer maps each to a problem type; none
/// carries database text.
public enum CaseStoreError: Error, Sendable, Equatable {
    /// No such case, or one the caller may not see: the two are indistinguishable on purpose.
    case notFound
    /// The caller sees the case but may not do this to it.
    case forbidden(CaseAction)
    /// `If-Match` named another version.
    case versionMismatch(current: Int)
    case refused(TransitionRefusal)
    case routing(RoutingRefusal)
    /// Only the head of the case's office sets or lifts a legal hold.
    case notHeadOfOffice
    /// A hold set on a held case, or lifted from one not held.
    case legalHold(alreadyHeld: Bool)
    /// An attachment refused (nothing of it is stored).
    case attachment(AttachmentRefusal)
    /// The questionnaire's answers do not fit its questions.
    case answers(IntakeAnswerProblem)
    /// The same idempotency key was used with another request body.
    case idempotencyKeyReused
    /// The person cannot be assigned: unknown, outside the office, or recused.
    case cannotAssign(String)
    /// The case is already assigned (claiming is for unassigned cases).
    case alreadyAssigned
    case unknownWorkflow(CaseKind)
    /// The case is closed; only a transition (reopen) changes it.
    case closed
    /// Too many filings by this caller in the window; try again after that many seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// A party may not be named by themselves: their own conflict is recorded by a colleague
    /// (a lead or the head), since naming it makes the case invisible to them.
    case cannotNameSelf
    /// A page cursor that this service did not make.
    case invalidCursor
    /// Only the office's leads and head open its planned work.
    case mayNotOpenPlannedWork
    /// The kind is not one this office opens itself (its workflow is not `office_initiated`,
    /// or belongs to another office).
    case notPlannedWork(kind: CaseKind, office: OfficeCode)
    /// An audited or evaluated entity, or a planned period, that cannot be.
    case invalidPlannedWork(String)
    /// Recommendations are issued at the source's report step only (its workflow's
    /// `recommendations_from`), and never from a closed case.
    case notAtReportStep(state: String)
    /// The owner is not a person of the owner office in the staff directory, or is named on
    /// the source case.
    case invalidOwner(String)
    /// The subject has already responded.
    case alreadyResponded
    /// Five random references in a row were taken (with 2^55 of them: a broken generator).
    case referencesExhausted
}
