/// What a person may do in an office. Memberships pair an office with one of these.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Any staff member: files cases, sees their own filings through the reporter view.
    case staff
    /// Case officer: investigator, auditor, ethics officer, evaluator, ombudsperson.
    case officer
    /// Office lead: triages the office queue, assigns, approves.
    case lead
    /// Head of office: everything a lead does, closes cases, reopens them.
    case head
    /// DG, DDGs, Chief of Staff: aggregate reports only.
    case executive
    /// Reads published aggregate reports only.
    case reportReader = "report_reader"
    /// Configuration and accounts; no case content.
    case admin

    /// Roles that work cases inside their office, from least to most authority.
    public static let caseRoles: [Role] = [.officer, .lead, .head]

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A role someone holds in one office.
public struct OfficeMembership: Hashable, Sendable, Codable {
    public let office: OfficeCode
    public let role: Role

    public init(office: OfficeCode, role: Role) {
        self.office = office
        self.role = role
    }
}

/// The person acting: who they are and which roles they hold where. Built from a verified
/// token at the HTTP edge; the domain trusts it as given.
public struct Actor: Hashable, Sendable, Codable {
    /// Stable identity (the token's subject, the staff directory id).
    public let id: String
    public let memberships: Set<OfficeMembership>

    public init(id: String, memberships: Set<OfficeMembership>) {
        self.id = id
        self.memberships = memberships
    }

    /// The roles this actor holds in `office`.
    public func roles(in office: OfficeCode) -> Set<Role> {
        Set(memberships.filter { $0.office == office }.map(\.role))
    }

    /// The highest case-working role in `office` (officer < lead < head), if any.
    public func caseRole(in office: OfficeCode) -> Role? {
        roles(in: office).filter { Role.caseRoles.contains($0) }.max()
    }

    /// Whether the actor holds `role` in any office.
    public func holds(_ role: Role) -> Bool { memberships.contains { $0.role == role } }
}
