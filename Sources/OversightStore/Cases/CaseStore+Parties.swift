import Foundation
import OversightDomain
import PostgresClient

extension CaseStore {
    /// Names a party. A party is recused: if the case's assignee is named, the case becomes
    /// unassigned. The history records the role and a keyed digest of the person (never the
    /// id); a reporter appears as "reporter". A subject named now is routed as one named at
    /// filing would have been: to the alternate, sealed from the office, when they head it (or
    /// are the DG); to the head alone when they work in it (`Reroute`).
    public func addParty(_ reference: String, personID: String, role: PartyRole, by actor: Actor, at time: Date? = nil) async throws -> StoredParty {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let store = self
        return try await transaction(.person(actor)) { connection in
            let (record, access) = try store.lockVisible(reference, for: actor, connection)
            guard access.allows(.manageParties) else { throw CaseStoreError.forbidden(.manageParties) }
            guard personID != actor.id else { throw CaseStoreError.cannotNameSelf }
            let row = CasePartyRow(caseID: record.id, personID: personID, role: role, addedBy: actor.id, addedAt: now)
            let inserted = try connection.execute(row.insert(" ON CONFLICT DO NOTHING"))
            guard inserted > 0 else { return StoredParty(personID: personID, role: role, addedBy: actor.id, addedAt: now) }
            let parties = record.parties + [CaseParty(personID: personID, role: role)]
            let reroute = role == .subject ? try store.reroute(record, subjects: CasePartyColumns.ids(parties, .subject), connection) : nil
            let unassign = record.assignee == personID || (reroute?.unassigns ?? false)
            let key = try store.caseKey(record.id, connection)
            let person = role == .reporter ? EventActor.reporter : key.map { $0.digest("party", personID) } ?? "(key destroyed)"
            var events = [NewEvent("party_added", ["person": person, "role": role.rawValue])]
            var after = CaseFacts(record: record)
            if let reroute {
                events.append(NewEvent("rerouted", reroute.eventData, actor: EventActor.routing))
                after["office"] = reroute.office.rawValue
                after["sealed_from"] = reroute.sealedFrom.map(\.rawValue).sorted().joined(separator: ",")
                after["restricted_to_head"] = reroute.restrictedToHead ? "true" : "false"
            }
            if unassign {
                events.append(NewEvent("unassigned", ["reason": reroute == nil ? "assignee named as \(role.rawValue)" : "rerouted"]))
                after["assignee"] = nil
            }
            let head = try Self.appendEvents(
                events, facts: try after.entries(since: CaseFacts(record: record), key: nil), to: record.id,
                after: (record.eventSeq, record.eventHash), actor: actor.id, at: now, connection)
            if reroute != nil {
                // The case may leave the actor's sight with this change (it moves to the
                // alternate, sealed from their office): the one statement that moves it runs as
                // the routing job, which row security lets finish writing it.
                SessionScope.system(.routing).apply(sharingOffices: store.sharingOffices, connection)
            }
            try connection.execute(
                """
                UPDATE cases SET assignee = CASE WHEN \(unassign) THEN NULL ELSE assignee END, version = version + 1,
                    office = \(reroute?.office.rawValue ?? record.office.rawValue),
                    sealed_from = \((reroute?.sealedFrom ?? record.sealedFrom).map(\.rawValue).sorted()),
                    restricted_to_head = \(reroute?.restrictedToHead ?? record.restrictedToHead),
                    conflict = \(reroute?.conflict?.rawValue ?? record.conflict),
                    subject_ids = \(CasePartyColumns.ids(parties, .subject)), conflicted_ids = \(CasePartyColumns.ids(parties, .conflicted)),
                    witness_ids = \(CasePartyColumns.ids(parties, .witness)), reporter_ids = \(CasePartyColumns.ids(parties, .reporter)),
                    event_seq = \(head.seq), event_hash = \(head.hash), updated_at = \(now)
                WHERE id = \(record.id)
                """)
            if let reroute {
                SessionScope.person(actor).apply(sharingOffices: store.sharingOffices, keys: store.keyRing, connection)
                Self.enqueue(
                    "case_filed", caseID: record.id, payload: ["reference": record.reference, "office": reroute.office.rawValue], connection)
            }
            return StoredParty(personID: personID, role: role, addedBy: actor.id, addedAt: now)
        }
    }

    /// Where conflict routing puts a case whose subjects are now `subjects`, when that differs
    /// from where it is. Ombuds cases never leave their office (their subjects are recused).
    /// Seals and head-only restrictions only ever grow.
    struct Reroute {
        let office: OfficeCode
        let sealedFrom: Set<OfficeCode>
        let restrictedToHead: Bool
        let conflict: ConflictRouting?
        let unassigns: Bool

        var eventData: [String: String] {
            var data = ["office": office.rawValue, "restricted_to_head": restrictedToHead ? "true" : "false"]
            data["conflict"] = conflict?.rawValue
            data["sealed_from"] = sealedFrom.isEmpty ? nil : sealedFrom.map(\.rawValue).sorted().joined(separator: ",")
            return data
        }
    }

    func reroute(_ record: CaseRecord, subjects: [String], _ connection: isolated PostgresConnection) throws -> Reroute? {
        guard !router.confidentialKinds.contains(record.kind) else { return nil }
        let placement = router.place(in: record.office, subjects: try Self.directoryEntries(subjects, connection))
        // The alternate itself conflicted: nowhere further to go; its head alone acts.
        let moves = placement.office != record.office
        let sealedFrom = record.sealedFrom.union(moves ? placement.sealedFrom : [])
        let restricted =
            record.restrictedToHead || placement.restrictedToHead
            || (!moves && placement.conflict != nil && placement.office == router.offices.alternate)
        guard moves || sealedFrom != record.sealedFrom || restricted != record.restrictedToHead else { return nil }
        return Reroute(
            office: placement.office, sealedFrom: sealedFrom, restrictedToHead: restricted,
            conflict: placement.conflict ?? record.conflict.flatMap(ConflictRouting.init(rawValue:)),
            unassigns: moves || (restricted && !record.restrictedToHead))
    }
}
