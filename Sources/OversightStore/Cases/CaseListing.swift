import Foundation
import OversightDomain
import PostgresClient

/// A case as a list shows it (the triage queue, search results): the columns a list item and
/// the access policy need, and of the content the title alone. A page of fifty cases opens
/// fifty titles, not a hundred and fifty sealed values (title, narrative and filer): each
/// AES-GCM opening sets up its own key schedule, and it was the largest cost of a page.
/// Read-only by construction: nothing can save a listing back over its case.
public struct CaseListing: Sendable, Hashable {
    public let id: UUID
    public let reference: String
    public let kind: CaseKind
    public let workflowVersionID: Int
    public let office: OfficeCode
    public let state: String
    public let category: String
    public let priority: Priority
    public let title: String
    public let assignee: String?
    public let region: String?
    public let sealedFrom: Set<OfficeCode>
    public let restrictedToHead: Bool
    public let dueAt: Date
    public let openedAt: Date
    public let parties: [CaseParty]
    public let owner: RecommendationOwner?
    /// Whether the reader the list was read for filed the case (from the filer's tag: the
    /// filer's sealed identity stays closed).
    let readerFiled: Bool

    public static func == (lhs: CaseListing, rhs: CaseListing) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The select list of a listing, with the case's wrapped data key to open its title. The
    /// table is named `cases` (no alias).
    public static let select: PostgresQuery = """
        cases.id, cases.reference, cases.kind, cases.workflow_version_id, cases.office, cases.state, cases.category,
        cases.priority, cases.title, cases.assignee, cases.region, cases.filed_by, cases.sealed_from, cases.restricted_to_head,
        cases.due_at, cases.opened_at, cases.subject_ids, cases.conflicted_ids, cases.witness_ids, cases.reporter_ids,
        cases.owner_office, cases.owner_id,
        (SELECT coalesce(k.key, '\\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
        """

    /// Reads a row of `select`, for `reader`, whose filer tags are `readerTags` (the key
    /// ring's tag of their id, and their id itself for rows filed before tags).
    init(row: PostgresRow, keys: KeyRing, readerTags: Set<String>) throws {
        id = try row.decode("id")
        reference = try row.decode("reference")
        kind = CaseKind(try row.decode("kind", as: String.self))
        workflowVersionID = try row.decode("workflow_version_id")
        office = try StoredValue.parse(row, "office", OfficeCode.init)
        state = try row.decode("state")
        category = try row.decode("category")
        priority = try StoredValue.parse(row, "priority", Priority.init(rawValue:))
        let seal = try keys.seal(try row.decode("case_key", as: Data?.self), for: id)
        title = try seal.openText(try row.decode("title"), at: SealedPlace("cases", "title", row: id))
        assignee = try row.decode("assignee")
        region = try row.decode("region")
        readerFiled = try row.decode("filed_by", as: String?.self).map(readerTags.contains) ?? false
        sealedFrom = Set(try row.decode("sealed_from", as: [String].self).compactMap(OfficeCode.init))
        restrictedToHead = try row.decode("restricted_to_head")
        dueAt = try row.decode("due_at")
        openedAt = try row.decode("opened_at")
        parties = try CasePartyColumns.parties(row)
        owner = try RecommendationOwner(row)
    }

    /// Facts for the access policy as `reader` (the reader the listing was read for).
    func accessFacts(_ workflow: WorkflowDefinition, reader: String) -> CaseAccessFacts {
        CaseAccessFacts(
            kind: kind, office: office, confidentialToOffice: workflow.confidentialToOffice, filedBy: readerFiled ? reader : nil,
            parties: parties, assignee: assignee, sealedFrom: sealedFrom, restrictedToHead: restrictedToHead,
            assigneeSeesReporter: workflow.assigneeSeesReporter, owner: owner)
    }
}

extension RecommendationOwner {
    /// The owner in a case row's `owner_office` and `owner_id` columns; nil when either is.
    init?(_ row: PostgresRow) throws {
        let ownerOffice = try row.decode("owner_office", as: String?.self)
        let ownerID = try row.decode("owner_id", as: String?.self)
        guard let ownerOffice, let ownerID else { return nil }
        guard let office = OfficeCode(ownerOffice) else { throw StoredValueError(column: "owner_office", value: ownerOffice) }
        self.init(office: office, personID: ownerID)
    }
}
