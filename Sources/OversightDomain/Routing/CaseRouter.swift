import Foundation

/// What a filer tells the service: what happened (a category), where, and who is involved.
public struct Intake: Sendable, Hashable {
    public let category: String
    public let region: String?
    public let countryOffice: String?
    public let subjects: [NamedSubject]

    public init(category: String, region: String? = nil, countryOffice: String? = nil, subjects: [NamedSubject] = []) {
        self.category = category
        self.region = region
        self.countryOffice = countryOffice
        self.subjects = subjects
    }
}

/// A person the allegation names, as the staff directory knows them.
public struct NamedSubject: Sendable, Hashable {
    public let personID: String?
    /// The office the person belongs to, when known.
    public let office: OfficeCode?
    public let headsOffice: Bool
    public let isDirectorGeneral: Bool

    public init(personID: String? = nil, office: OfficeCode?, headsOffice: Bool = false, isDirectorGeneral: Bool = false) {
        self.personID = personID
        self.office = office
        self.headsOffice = headsOffice
        self.isDirectorGeneral = isDirectorGeneral
    }
}

/// Why a case did not simply go to the receiving office's queue.
public enum ConflictRouting: String, Sendable, Hashable, Codable {
    /// A subject works in the receiving office: the case goes to its head, not its queue.
    case subjectInReceivingOffice = "subject_in_receiving_office"
    /// A subject heads the receiving office: the alternate takes it, sealed from that office.
    case subjectHeadsReceivingOffice = "subject_heads_receiving_office"
    /// The Director General is a subject: the alternate takes it, sealed from the DG's office
    /// and from the office that would have received it.
    case subjectIsDirectorGeneral = "subject_is_director_general"
}

/// Where a case goes, and why: recorded on the case with the rule that made it.
public struct RoutingDecision: Sendable, Hashable {
    public let office: OfficeCode
    public let kind: CaseKind
    public let priority: Priority
    /// When triage is due; nil for kinds that impose no deadlines (ombuds cases).
    public let triageDueAt: Date?
    /// The rule that decided, e.g. `routing.yaml rules[4] (sexual_exploitation_and_abuse)`.
    public let rule: String
    public let conflict: ConflictRouting?
    /// Offices that may not see the case at all.
    public let sealedFrom: Set<OfficeCode>
    /// Only the office's head sees it until the head assigns it.
    public let restrictedToHead: Bool
}

public enum RoutingRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownCategory(String, known: [String])
    /// A region or country office that offices.yaml does not list.
    case unknownPlace(String)

    public var description: String {
        switch self {
        case .unknownCategory(let category, let known):
            "unknown category \"\(category)\" (known: \(known.joined(separator: ", ")))"
        case .unknownPlace(let why): why
        }
    }
}

/// Applies `routing.yaml` and the conflict rules to an intake.
public struct CaseRouter: Sendable {
    public let routing: RoutingTable
    public let offices: OfficeDirectory
    /// Kinds whose cases never leave their office (ombuds cases): conflict routing does not
    /// move or seal them; a subject inside the office is recused as a party instead.
    public let confidentialKinds: Set<CaseKind>
    /// Kinds whose workflow imposes no deadline at all (no stage deadline, clock or duty to
    /// the reporter): no triage deadline either, so nothing of theirs ever escalates.
    public let deadlineFreeKinds: Set<CaseKind>

    public init(routing: RoutingTable, offices: OfficeDirectory, confidentialKinds: Set<CaseKind> = [], deadlineFreeKinds: Set<CaseKind> = []) {
        self.routing = routing
        self.offices = offices
        self.confidentialKinds = confidentialKinds
        self.deadlineFreeKinds = deadlineFreeKinds
    }

    public init(_ configuration: OversightConfiguration) {
        self.init(
            routing: configuration.routing, offices: configuration.offices,
            confidentialKinds: Set(configuration.workflows.values.filter(\.confidentialToOffice).map(\.kind)),
            deadlineFreeKinds: Set(configuration.workflows.values.filter(\.imposesNoDeadlines).map(\.kind)))
    }

    public func route(_ intake: Intake, at now: Date) throws(RoutingRefusal) -> RoutingDecision {
        if let problem = offices.placeProblem(region: intake.region, countryOffice: intake.countryOffice) { throw .unknownPlace(problem) }
        guard let rule = routing.rules.first(where: { $0.category == intake.category && ($0.region == nil || $0.region == intake.region) })
        else { throw .unknownCategory(intake.category, known: routing.categories) }
        let triageHours = rule.triageHours ?? routing.defaultTriageHours
        let placement =
            confidentialKinds.contains(rule.kind)
            ? (office: rule.office, conflict: nil, sealedFrom: [], restrictedToHead: false)
            : place(in: rule.office, subjects: intake.subjects)
        return RoutingDecision(
            office: placement.office, kind: rule.kind, priority: rule.priority,
            triageDueAt: deadlineFreeKinds.contains(rule.kind) ? nil : now.addingTimeInterval(Double(triageHours) * 3600), rule: rule.citation,
            conflict: placement.conflict, sealedFrom: placement.sealedFrom, restrictedToHead: placement.restrictedToHead)
    }

    /// Where a case meant for `office` goes given its subjects. Also used for linked cases
    /// (a retaliation review's investigation opens at the alternate when OIG is conflicted).
    public func place(in office: OfficeCode, subjects: [NamedSubject])
        -> (office: OfficeCode, conflict: ConflictRouting?, sealedFrom: Set<OfficeCode>, restrictedToHead: Bool)
    {
        let directorGeneral = offices.directorGeneralOffice
        if subjects.contains(where: { $0.isDirectorGeneral || ($0.office == directorGeneral && $0.headsOffice) }) {
            return (offices.alternate, .subjectIsDirectorGeneral, [directorGeneral, office], false)
        }
        if subjects.contains(where: { $0.office == office && $0.headsOffice }) {
            return (offices.alternate, .subjectHeadsReceivingOffice, [office], false)
        }
        if subjects.contains(where: { $0.office == office }) {
            return (office, .subjectInReceivingOffice, [], true)
        }
        return (office, nil, [], false)
    }
}
