/// A part of a case that a reader is shown or not. Which parts a reader gets is decided here,
/// from their access, once: the API only encodes what this allows, and the store reads the
/// parts (thread, parties, history) that it allows.
public enum CaseDisclosure: String, Sendable, Hashable, CaseIterable {
    /// That the case exists: reference, title, reporter-facing status, opened and closed dates.
    case summary
    /// Kind, office, state, category, priority, narrative, place and date, outcome, deadlines.
    case content
    /// Who works the case.
    case assignee
    /// The transitions and actions open to the reader.
    case workflowActions = "workflow_actions"
    /// Cases this one opened or was opened by.
    case links
    /// Who filed it (DOMAIN.md: the lead, the head, and the assignee where the workflow says so).
    case reporterIdentity = "reporter_identity"
    /// How the case was routed and which conflict moved it.
    case routing
    /// The thread with the reporter (messages to and from them).
    case reporterThread = "reporter_thread"
    /// Internal notes, not only the thread with the reporter.
    case internalThread = "internal_thread"
    /// Which officer wrote a message (the reporter sees "office").
    case commentAuthors = "comment_authors"
    /// The people named on the case.
    case parties
    /// The event history with its hashes.
    case history
    /// The case's own version, which moves with internal work (the reporter's moves only with
    /// what the reporter sees, so polling it reveals nothing).
    case internalVersion = "internal_version"
}

extension CaseAccess {
    /// The parts of a case shown with `view`, `actions` and `seesReporterIdentity`.
    static func disclosures(view: CaseView, actions: Set<CaseAction>, seesReporterIdentity: Bool) -> Set<CaseDisclosure> {
        var shown: Set<CaseDisclosure> = []
        if view >= .reporter { shown.insert(.summary) }
        if view == .reporter || view >= .officer { shown.insert(.reporterThread) }
        if view == .followUp { shown.formUnion([.content, .workflowActions, .internalVersion]) }
        if view >= .officer {
            shown.formUnion([.content, .assignee, .workflowActions, .links, .internalThread, .commentAuthors, .parties, .internalVersion])
            if actions.contains(.readHistory) { shown.insert(.history) }
        }
        if view == .full { shown.insert(.routing) }
        if seesReporterIdentity, view >= .officer { shown.insert(.reporterIdentity) }
        return shown
    }

    public func discloses(_ part: CaseDisclosure) -> Bool { disclosed.contains(part) }

    /// Whoever sees a case through the reporter view writes to it as "reporter", never by name.
    public var writesAsReporter: Bool { view == .reporter }
}
