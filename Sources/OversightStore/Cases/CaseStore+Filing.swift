import Crypto
import Foundation
import OversightDomain
import PostgresClient

/// What a staff member files: what happened (a category, never an office), where and when,
/// and who is involved.
public struct Filing: Sendable, Hashable, Codable {
    public let category: String
    public let title: String
    public let narrative: String
    public let occurredOn: String?
    public let location: String?
    public let region: String?
    public let countryOffice: String?
    /// Staff directory ids of the people the allegation names.
    public let subjects: [String]

    public init(category: String, title: String, narrative: String, occurredOn: String? = nil, location: String? = nil,
                region: String? = nil, countryOffice: String? = nil, subjects: [String] = []) {
        self.category = category
        self.title = title
        self.narrative = narrative
        self.occurredOn = occurredOn
        self.location = location
        self.region = region
        self.countryOffice = countryOffice
        self.subjects = subjects
    }

    /// A digest of the request, to tell a retry from a different request under one key.
    var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(self)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// What the filer gets back: the reference and the reporter-facing status, nothing of the
/// routing (which office, which rule) that the filer need not know.
public struct FilingReceipt: Sendable, Hashable, Codable {
    public let reference: String
    public let status: String
    /// True when this is the stored answer to an earlier request with the same key.
    public var replayed: Bool = false

    enum CodingKeys: String, CodingKey { case reference, status }

    public init(reference: String, status: String) {
        self.reference = reference
        self.status = status
    }
}

extension CaseStore {
    /// Files a case: routes it, numbers it, stores it with its parties and first events.
    /// With an idempotency key, a retry returns the first answer, a different body under the
    /// same key is refused, and concurrent requests with one key create one case.
    public func file(_ filing: Filing, by actor: Actor, idempotencyKey: String? = nil, at time: Date? = nil) async throws -> FilingReceipt {
        let now = time ?? clock()
        let fingerprint = filing.fingerprint
        let router = self.router
        let catalog = self.catalog
        let store = self
        return try await pool.withTransaction { connection in
            if let idempotencyKey {
                let claimed = try connection.query("""
                    INSERT INTO idempotency_keys (caller, key, request_hash, response_status, response_body)
                    VALUES (\(actor.id), \(idempotencyKey), \(fingerprint), 0, '\\x'::bytea)
                    ON CONFLICT (caller, key) DO NOTHING RETURNING key
                    """)
                if claimed.isEmpty {
                    // Another request with this key committed first (the insert waited for it).
                    let stored = try connection.query("SELECT request_hash, response_body FROM idempotency_keys WHERE caller = \(actor.id) AND key = \(idempotencyKey)")
                    guard let row = stored.first, try row.decode("request_hash", as: String.self) == fingerprint else {
                        throw CaseStoreError.idempotencyKeyReused
                    }
                    var receipt = try JSONDecoder().decode(FilingReceipt.self, from: try row.decode("response_body", as: Data.self))
                    receipt.replayed = true
                    return receipt
                }
            }

            let subjects = try Self.directoryEntries(filing.subjects, connection)
            let decision: RoutingDecision
            do {
                decision = try router.route(
                    Intake(category: filing.category, region: filing.region, countryOffice: filing.countryOffice, subjects: subjects),
                    at: now)
            } catch let refusal as RoutingRefusal {
                throw CaseStoreError.routing(refusal)
            }
            guard let (versionID, workflow) = catalog.currentVersion(of: decision.kind) else {
                throw CaseStoreError.unknownWorkflow(decision.kind)
            }
            let parties = filing.subjects.map { CaseParty(personID: $0, role: .subject) }
            let snapshot = CaseSnapshot(
                workflow: workflow, office: decision.office, filedBy: actor.id, filedAt: now, parties: parties,
                triageDueAt: decision.triageDueAt, sealedFrom: decision.sealedFrom, restrictedToHead: decision.restrictedToHead)
            var eventData: [String: String] = ["category": filing.category, "kind": decision.kind.rawValue]
            eventData["subjects"] = filing.subjects.isEmpty ? nil : String(filing.subjects.count)
            var routedData = ["office": decision.office.rawValue, "priority": decision.priority.rawValue, "rule": decision.rule]
            routedData["conflict"] = decision.conflict?.rawValue
            routedData["sealed_from"] = decision.sealedFrom.isEmpty ? nil : decision.sealedFrom.map(\.rawValue).sorted().joined(separator: ",")
            let created = try store.insertCase(
                snapshot: snapshot, workflowVersionID: versionID, workflow: workflow, category: filing.category,
                priority: decision.priority, title: filing.title, narrative: filing.narrative, occurredOn: filing.occurredOn,
                location: filing.location, region: filing.region, countryOffice: filing.countryOffice, routingRule: decision.rule,
                conflict: decision.conflict?.rawValue, events: [("filed", eventData), ("routed", routedData)],
                actor: actor.id, at: now, connection)
            try Self.enqueue("case_filed", caseID: created.id, payload: ["reference": created.reference, "office": decision.office.rawValue], connection)

            let receipt = FilingReceipt(reference: created.reference, status: workflow.initialState.reporterStatus)
            if let idempotencyKey {
                let body = try JSONEncoder().encode(receipt)
                try connection.execute("""
                    UPDATE idempotency_keys SET response_status = 201, response_body = \(body), case_id = \(created.id)
                    WHERE caller = \(actor.id) AND key = \(idempotencyKey)
                    """)
            }
            return receipt
        }
    }

    /// Numbers and inserts a new case with its parties and first events; shared by filing and
    /// by linked cases opened as a transition's effect.
    func insertCase(
        snapshot: CaseSnapshot, workflowVersionID: Int, workflow: WorkflowDefinition, category: String, priority: Priority,
        title: String, narrative: String, occurredOn: String?, location: String?, region: String?, countryOffice: String?,
        routingRule: String, conflict: String?, events: [(kind: String, data: [String: String])], actor: String, at now: Date,
        _ connection: isolated PostgresConnection
    ) throws -> (id: UUID, reference: String) {
        let year = CalendarDay.civilYear(of: now)
        let counter = try connection.query(("""
            INSERT INTO case_counters (office, year, last_number) VALUES (\(snapshot.office.rawValue), \(year), 1)
            ON CONFLICT (office, year) DO UPDATE SET last_number = case_counters.last_number + 1
            RETURNING last_number
            """ as PostgresQuery).prepared())
        let number = try counter[0].decode("last_number", as: Int.self)
        guard let reference = CaseReference(office: snapshot.office, year: year, number: number) else {
            throw CaseStoreError.unknownWorkflow(snapshot.kind)
        }
        let id = UUID()
        let head = (seq: 0, hash: Data())
        var chain: [CaseEvent] = []
        var previous = head
        for event in events {
            let built = CaseEventChain.append(caseID: id, after: previous, kind: event.kind, actor: actor, at: now, data: event.data)
            chain.append(built)
            previous = (built.seq, built.hash)
        }
        let due = earliestDue(snapshot, workflow: workflow)
        try connection.execute(("""
            INSERT INTO cases (id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title,
                narrative, occurred_on, location, region, country_office, filed_by, routing_rule, conflict, sealed_from,
                restricted_to_head, snapshot, due_at, next_escalation_at, opened_at, event_seq, event_hash, updated_at)
            VALUES (\(id), \(reference.description), \(snapshot.kind.rawValue), \(workflowVersionID), \(snapshot.office.rawValue),
                \(snapshot.state), \(category), \(priority.rawValue), \(Int16(Priority.allCases.firstIndex(of: priority)!)), \(title),
                \(narrative), \(occurredOn), \(location), \(region), \(countryOffice), \(snapshot.filedBy), \(routingRule), \(conflict),
                \(snapshot.sealedFrom.map(\.rawValue).sorted()), \(snapshot.restrictedToHead), \(PostgresJSON(SnapshotDocument(snapshot))),
                \(due), \(due), \(now), \(previous.seq), \(previous.hash), \(now))
            """ as PostgresQuery).prepared())
        if !snapshot.parties.isEmpty {
            try connection.execute("""
                INSERT INTO case_parties (case_id, person_id, role, added_by, added_at)
                SELECT \(id), person, role, \(actor), \(now) FROM unnest(\(snapshot.parties.map(\.personID))::text[], \(snapshot.parties.map(\.role.rawValue))::text[]) AS p(person, role)
                ON CONFLICT DO NOTHING
                """)
        }
        for event in chain {
            try connection.execute(("""
                INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
                VALUES (\(id), \(event.seq), \(event.kind), \(event.actor), \(event.at), \(PostgresJSON(event.data)), \(event.prevHash), \(event.hash))
                """ as PostgresQuery).prepared())
        }
        return (id, reference.description)
    }

    /// Directory facts about named people, for conflict routing. Unknown ids still become
    /// parties (and are recused) but move nothing.
    static func directoryEntries(_ personIDs: [String], _ connection: isolated PostgresConnection) throws -> [NamedSubject] {
        guard !personIDs.isEmpty else { return [] }
        let rows = try connection.query("""
            SELECT person_id, office, heads_office, is_director_general FROM staff_directory WHERE person_id = ANY(\(personIDs))
            """)
        var known: [String: NamedSubject] = [:]
        for row in rows {
            let id = try row.decode("person_id", as: String.self)
            known[id] = NamedSubject(personID: id, office: OfficeCode(try row.decode("office", as: String.self)),
                                     headsOffice: try row.decode("heads_office"), isDirectorGeneral: try row.decode("is_director_general"))
        }
        return personIDs.map { known[$0] ?? NamedSubject(personID: $0, office: nil) }
    }
}
