/// Who a report is prepared for, which decides what it may count and whether small cells are
/// withheld (issue 11, "Who may read what"):
/// - an office's members read their own office's reports in full;
/// - executives, the executive offices and report readers read aggregates of every office;
/// - the Gender Coordination Unit reads the SEA and sexual-harassment aggregates;
/// - ombuds cases leave the Ombudsperson's office only in the ombuds report's de-identified cells;
/// - a sealed or restricted case counts only for readers who may know it exists: a restricted
///   case for its office's head, a case sealed from offices for its office's other members,
///   never in an aggregate read outside its office.
public enum ReportAudience: Sendable, Hashable, CustomStringConvertible {
    case office(OfficeCode, head: Bool)
    case organization
    case genderCoordination

    /// Outside readers get small cells withheld; an office reading its own work does not.
    public var suppressesSmallCells: Bool {
        if case .office = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .office(let office, let head): "office \(office)" + (head ? " (head)" : "")
        case .organization: "organization"
        case .genderCoordination: "gender coordination"
        }
    }

    /// The audience `actor` reads as: their own office's when they name it (or name none and
    /// work cases in exactly one office), else the aggregates their roles allow. nil: no report.
    public static func resolve(_ actor: Actor, office requested: OfficeCode?, settings: ReportSettings, offices: OfficeDirectory) -> ReportAudience? {
        let caseOffices = Set(actor.memberships.filter { Role.caseRoles.contains($0.role) }.map(\.office))
        if let requested, caseOffices.contains(requested) {
            return .office(requested, head: actor.roles(in: requested).contains(.head))
        }
        let executiveOffices = Set(offices.offices.filter { $0.function == .executive }.map(\.code))
        let readsAggregates = actor.memberships.contains {
            $0.role == .executive || $0.role == .reportReader || executiveOffices.contains($0.office)
        }
        if readsAggregates { return .organization }
        if let gender = settings.genderCoordinationOffice, actor.memberships.contains(where: { $0.office == gender }) {
            return .genderCoordination
        }
        if requested == nil, caseOffices.count == 1, let only = caseOffices.first {
            return .office(only, head: actor.roles(in: only).contains(.head))
        }
        return nil
    }

    /// The reports this audience may read.
    public var reports: [ReportName] {
        switch self {
        case .office(let office, _):
            // The Ombudsperson's office reads its own statistics; no other office has ombuds cases.
            ReportName.allCases.filter { $0 != .ombuds || office.rawValue == "OMB" }
        case .organization: ReportName.allCases
        case .genderCoordination: [.caseload, .outcomes]
        }
    }

    /// Whether a rollup cell counts for this audience in `report`.
    public func counts(_ cell: RollupCount, in report: ReportName, settings: ReportSettings) -> Bool {
        let ombuds = cell.kind == "ombuds_case"
        switch self {
        case .office(let office, let head):
            guard cell.office == office.rawValue else { return false }
            if cell.confinement.isEmpty { return true }
            let parts = cell.confinement.split(separator: ";")
            if parts.contains("restricted") && !head { return false }
            let sealed = parts.first { $0.hasPrefix("sealed:") }.map { $0.dropFirst("sealed:".count).split(separator: ",").map(String.init) } ?? []
            return !sealed.contains(office.rawValue)
        case .organization:
            return cell.confinement.isEmpty && (ombuds == (report == .ombuds))
        case .genderCoordination:
            return cell.confinement.isEmpty && !ombuds && settings.genderCategories.contains(cell.category)
        }
    }
}
