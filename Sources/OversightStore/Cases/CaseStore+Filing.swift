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
    /// Answers to the category's questionnaire, by question id.
    public let answers: [String: IntakeAnswerInput]

    public init(
        category: String, title: String, narrative: String, occurredOn: String? = nil, location: String? = nil,
        region: String? = nil, countryOffice: String? = nil, subjects: [String] = [], answers: [String: IntakeAnswerInput] = [:]
    ) {
        self.category = category
        self.title = title
        self.narrative = narrative
        self.occurredOn = occurredOn
        self.location = location
        self.region = region
        self.countryOffice = countryOffice
        self.subjects = subjects
        self.answers = answers
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
    /// The further cases the questionnaire's answers opened at other offices, each with its
    /// own thread to the reporter.
    public var alsoOpened: [String] = []
    /// True when this is the stored answer to an earlier request with the same key.
    public var replayed: Bool = false

    enum CodingKeys: String, CodingKey {
        case reference, status
        case alsoOpened = "also_opened"
    }

    public init(reference: String, status: String, alsoOpened: [String] = []) {
        self.reference = reference
        self.status = status
        self.alsoOpened = alsoOpened
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reference = try container.decode(String.self, forKey: .reference)
        status = try container.decode(String.self, forKey: .status)
        alsoOpened = try container.decodeIfPresent([String].self, forKey: .alsoOpened) ?? []
    }
}

/// An event about to be appended: its kind, its data, and (when not the acting person) who
/// the history names as its actor.
struct NewEvent: Sendable {
    let kind: String
    let data: [String: String]
    let actor: String?

    init(_ kind: String, _ data: [String: String], actor: String? = nil) {
        self.kind = kind
        self.data = data
        self.actor = actor
    }
}

/// A case about to be inserted, as routing (or a transition's effect) placed it.
struct NewCase: Sendable {
    var snapshot: CaseSnapshot
    var workflowVersionID: Int
    var workflow: WorkflowDefinition
    var category: String
    var priority: Priority
    var title: String
    var narrative: String
    var occurredOn: String?
    var location: String?
    var region: String?
    var countryOffice: String?
    var routingRule: String
    var conflict: String?
    /// A recommendation's owner and source.
    var owner: RecommendationOwner? = nil
    var sourceCaseID: UUID? = nil
    /// The questionnaire's answers the case keeps (its `filed` event counts them).
    var answers: [RecordedAnswer] = []

    func facts(openedAt: Date) -> CaseFacts {
        CaseFacts(values: [
            "kind": snapshot.kind.rawValue, "workflow_version": String(workflowVersionID), "office": snapshot.office.rawValue,
            "state": snapshot.state, "category": category, "priority": priority.rawValue, "region": region,
            "sealed_from": snapshot.sealedFrom.map(\.rawValue).sorted().joined(separator: ","),
            "restricted_to_head": snapshot.restrictedToHead ? "true" : "false", "assignee": nil, "outcome": nil,
            "opened_at": CaseFacts.time(openedAt), "closed_at": nil, "title": title, "narrative": narrative,
            "filed_by": snapshot.filedBy, "occurred_on": occurredOn, "location": location, "country_office": countryOffice,
        ])
    }
}

extension CaseStore {
    /// Files a case: routes it, gives it a random reference, stores it with its parties, its
    /// key and its first events. The history names the filer as "reporter", never by id.
    /// With an idempotency key, a retry returns the first answer, a different body under the
    /// same key is refused, and concurrent requests with one key create one case. Past the
    /// filing limit the caller is told when to come back.
    public func file(_ filing: Filing, by actor: Actor, idempotencyKey: String? = nil, at time: Date? = nil) async throws -> FilingReceipt {
        let now = CaseEventChain.microsecondPrecision(time ?? clock())
        let fingerprint = filing.fingerprint
        let limit = filingLimit
        let store = self
        let keys = keyRing
        // The idempotency record names its caller by tag, like the case names its filer.
        let caller = keyRing.filerTag(actor.id)
        return try await transaction(.person(actor)) { connection in
            if let idempotencyKey {
                let claimed = try connection.query(
                    """
                    INSERT INTO idempotency_keys (caller, key, request_hash, response_status, response_body)
                    VALUES (\(caller), \(idempotencyKey), \(fingerprint), 0, '\\x'::bytea)
                    ON CONFLICT (caller, key) DO NOTHING RETURNING key
                    """)
                if claimed.isEmpty {
                    // Another request with this key committed first (the insert waited for it).
                    let stored = try connection.query(
                        "SELECT request_hash, response_body FROM idempotency_keys WHERE caller = \(caller) AND key = \(idempotencyKey)")
                    guard let row = stored.first, try row.decode("request_hash", as: String.self) == fingerprint else {
                        throw CaseStoreError.idempotencyKeyReused
                    }
                    var receipt = try JSONDecoder().decode(FilingReceipt.self, from: try row.decode("response_body", as: Data.self))
                    receipt.replayed = true
                    return receipt
                }
            }
            try Self.checkFilingLimit(limit, for: actor, keys: keys, at: now, connection)
            let (created, receipt) = try store.openFiledCase(filing, by: actor, at: now, connection)
            if let idempotencyKey {
                let body = try JSONEncoder().encode(receipt)
                try connection.execute(
                    """
                    UPDATE idempotency_keys SET response_status = 201, response_body = \(body), case_id = \(created.id)
                    WHERE caller = \(caller) AND key = \(idempotencyKey)
                    """)
            }
            return receipt
        }
    }

    /// Routes a filing and stores the new case with its parties, key, answers, first events and
    /// outbox row: what a named filing and an anonymous intake share. An anonymous one says so
    /// in its first event, so that officers know there is no one to ask but through the channel.
    /// Answers that call for it open a case at a second office too, routed as a filing in that
    /// category would be (conflicts included), linked both ways, holding only the answers it
    /// carries: the reporter's narrative and the rest stay with the first case.
    func openFiledCase(
        _ filing: Filing, by actor: Actor, anonymous: Bool = false, at now: Date, _ connection: isolated PostgresConnection
    ) throws -> (created: (id: UUID, reference: String), receipt: FilingReceipt) {
        let checked: CheckedAnswers
        do throws(IntakeAnswerProblem) {
            checked = try Self.check(filing, questionnaire: configuration.questionnaires[filing.category])
        } catch {
            throw CaseStoreError.answers(error)
        }
        let (created, status) = try openRoutedCase(
            filing, answers: checked.answers, priorityFloor: checked.priorityFloor, by: actor, anonymous: anonymous, linkedFrom: nil,
            at: now, connection)
        var alsoOpened: [String] = []
        for addition in checked.addedCases {
            let label = configuration.routing.rules.first { $0.category == addition.category }?.label ?? addition.category
            let narrative = addition.answers.map { "\($0.text)\n\($0.answer)" }.joined(separator: "\n\n")
            let added = Filing(
                category: addition.category, title: "\(label), reported with a \(filing.category.replacingOccurrences(of: "_", with: " ")) report",
                narrative: narrative.isEmpty ? "Reported with \(created.reference)." : narrative, region: filing.region,
                countryOffice: filing.countryOffice, subjects: filing.subjects)
            let (linked, _) = try openRoutedCase(
                added, answers: addition.answers, priorityFloor: nil, by: actor, anonymous: anonymous, linkedFrom: created.reference,
                at: now, connection)
            try connection.execute(
                """
                INSERT INTO case_links (case_id, linked_case_id, linked_reference, relation, created_at)
                VALUES (\(created.id), \(linked.id), \(linked.reference), 'reported_with', \(now)),
                       (\(linked.id), \(created.id), \(created.reference), 'reported_with', \(now))
                """)
            alsoOpened.append(linked.reference)
        }
        return (created, FilingReceipt(reference: created.reference, status: status, alsoOpened: alsoOpened))
    }

    /// A filing's answers against its category's questionnaire; with none, no answers at all.
    static func check(_ filing: Filing, questionnaire: Questionnaire?) throws(IntakeAnswerProblem) -> CheckedAnswers {
        if let questionnaire { return try questionnaire.check(filing.answers) }
        if let stray = filing.answers.keys.sorted().first { throw .unknownQuestion(stray) }
        return CheckedAnswers()
    }

    /// One routed case of a filing, with its answers; its reporter-facing status.
    private func openRoutedCase(
        _ filing: Filing, answers: [RecordedAnswer], priorityFloor: Priority?, by actor: Actor, anonymous: Bool, linkedFrom: String?,
        at now: Date, _ connection: isolated PostgresConnection
    ) throws -> (created: (id: UUID, reference: String), status: String) {
        let subjects = try Self.directoryEntries(filing.subjects, connection)
        let intake = Intake(category: filing.category, region: filing.region, countryOffice: filing.countryOffice, subjects: subjects)
        let decision: RoutingDecision
        do {
            decision = try router.route(intake, at: now)
        } catch {
            throw CaseStoreError.routing(error)
        }
        guard let (versionID, workflow) = catalog.currentVersion(of: decision.kind) else {
            throw CaseStoreError.unknownWorkflow(decision.kind)
        }
        let priority = priorityFloor.map { min($0, decision.priority) } ?? decision.priority
        var seen: Set<String> = []
        let parties = filing.subjects.filter { seen.insert($0).inserted }.map { CaseParty(personID: $0, role: .subject) }
        let snapshot = CaseSnapshot(
            workflow: workflow, office: decision.office, filedBy: actor.id, filedAt: now, parties: parties,
            triageDueAt: decision.triageDueAt, sealedFrom: decision.sealedFrom, restrictedToHead: decision.restrictedToHead)
        var eventData: [String: String] = ["category": filing.category, "kind": decision.kind.rawValue]
        eventData["subjects"] = parties.isEmpty ? nil : String(parties.count)
        eventData["channel"] = anonymous ? "anonymous" : nil
        eventData["answers"] = answers.isEmpty ? nil : String(answers.count)
        eventData["linked_from"] = linkedFrom
        var routedData = ["office": decision.office.rawValue, "priority": priority.rawValue, "rule": decision.rule]
        routedData["conflict"] = decision.conflict?.rawValue
        routedData["sealed_from"] = decision.sealedFrom.isEmpty ? nil : decision.sealedFrom.map(\.rawValue).sorted().joined(separator: ",")
        routedData["raised_by_answers"] = priority != decision.priority ? decision.priority.rawValue : nil
        var newCase = NewCase(
            snapshot: snapshot, workflowVersionID: versionID, workflow: workflow, category: filing.category,
            priority: priority, title: filing.title, narrative: filing.narrative, occurredOn: filing.occurredOn,
            location: filing.location, region: filing.region, countryOffice: filing.countryOffice, routingRule: decision.rule,
            conflict: decision.conflict?.rawValue)
        newCase.answers = answers
        let created = try insertCase(
            newCase,
            events: [NewEvent("filed", eventData, actor: EventActor.reporter), NewEvent("routed", routedData, actor: EventActor.routing)],
            addedBy: EventActor.reporter, at: now, connection)
        Self.enqueue(
            "case_filed", caseID: created.id, payload: ["reference": created.reference, "office": decision.office.rawValue], connection)
        return (created, workflow.initialState.reporterStatus)
    }

    /// Refuses a filing past the limit, saying when the oldest filing in the window leaves it.
    /// Counted from the caller's own cases (row security shows a filer their own filings).
    /// (A case written before encryption, not yet sealed by `keys rotate`, holds the id itself.)
    static func checkFilingLimit(
        _ limit: FilingLimit, for actor: Actor, keys: KeyRing, at now: Date, _ connection: isolated PostgresConnection
    ) throws {
        let windowSeconds = Double(limit.window.components.seconds)
        let since = now.addingTimeInterval(-windowSeconds)
        let rows = try connection.query(
            ("""
            SELECT count(*) AS n, min(opened_at) AS oldest FROM cases WHERE filed_by IN (\(keys.filerTag(actor.id)), \(actor.id)) AND opened_at > \(since)
            """ as PostgresQuery).prepared())
        let count = try rows[0].decode("n", as: Int.self)
        guard count >= limit.count else { return }
        let oldest = try rows[0].decode("oldest", as: Date?.self) ?? now
        let wait = max(1, Int((oldest.addingTimeInterval(windowSeconds).timeIntervalSince(now)).rounded(.up)))
        throw CaseStoreError.rateLimited(retryAfterSeconds: wait)
    }

    /// Inserts a new case under a fresh random reference with its key, its parties and its
    /// first events; shared by filing and by linked cases opened as a transition's effect.
    /// The last event records every fact of the new row (CaseFacts).
    func insertCase(
        _ new: NewCase, events: [NewEvent], addedBy: String, at now: Date, _ connection: isolated PostgresConnection
    ) throws -> (id: UUID, reference: String) {
        let id = UUID()
        let key = CaseKey.generate()
        let seal = CaseSeal(newCaseKey: key)
        let facts = try new.facts(openedAt: now).entries(since: nil, key: key)
        let chain = Self.chain(events, facts: facts, caseID: id, after: (0, Data()), actor: addedBy, at: now)
        let head = (seq: chain.last?.seq ?? 0, hash: chain.last?.hash ?? Data())
        let snapshot = new.snapshot
        let due = earliestDue(snapshot, workflow: new.workflow)
        let snapshotJSON = SnapshotDocument(snapshot, seal: seal, caseID: id).json
        // A reference already taken (2^55 of them: practically never) is drawn again.
        var reference = CaseReference.random().description
        for attempt in 1...5 {
            let row = CaseRecord(
                id: id, reference: reference, kind: snapshot.kind, workflowVersionID: new.workflowVersionID, office: snapshot.office,
                state: snapshot.state, category: new.category, priority: new.priority, title: new.title, narrative: new.narrative,
                occurredOn: new.occurredOn, location: new.location, region: new.region, countryOffice: new.countryOffice,
                filedBy: snapshot.filedBy, assignee: nil, routingRule: new.routingRule, conflict: new.conflict, sealedFrom: snapshot.sealedFrom,
                restrictedToHead: snapshot.restrictedToHead, snapshotJSON: snapshotJSON, dueAt: due, nextEscalationAt: due, openedAt: now,
                closedAt: nil, outcome: nil, version: 1, eventSeq: head.seq, eventHash: head.hash, updatedAt: now, reporterVersion: 1,
                parties: snapshot.parties, owner: new.owner, sourceCaseID: new.sourceCaseID, seal: seal,
                filerTag: snapshot.filedBy.map(keyRing.filerTag))
            // No RETURNING and no conflict target: either would need the new row to pass the read
            // policy, and a linked case opened at another office is not the actor's to read.
            let inserted = try connection.execute(row.insert(" ON CONFLICT DO NOTHING").prepared())
            if inserted > 0 { break }
            guard attempt < 5 else { throw CaseStoreError.referencesExhausted }
            reference = CaseReference.random().description
        }
        // The rest of the new case's rows go with the transaction's next statement: nothing reads
        // their results.
        connection.sendWithNext(StoredCaseKey(caseID: id, key: key, keys: keyRing).insert().prepared())
        indexNewCase(id, office: snapshot.office, openedAt: now, texts: [new.title, new.narrative], connection)
        if !new.answers.isEmpty {
            let answers = seal.seal(RecordedAnswer.canonicalJSON(new.answers), at: SealedPlace("case_answers", "answers", row: id))
            connection.sendWithNext("INSERT INTO case_answers (case_id, answers) VALUES (\(id), \(answers))")
        }
        for party in snapshot.parties {
            let row = CasePartyRow(caseID: id, personID: party.personID, role: party.role, addedBy: addedBy, addedAt: now)
            connection.sendWithNext(row.insert(" ON CONFLICT DO NOTHING").prepared())
        }
        for event in chain { Self.insert(event, connection) }
        return (id, reference)
    }

    /// Directory facts about named people, for conflict routing. Unknown ids still become
    /// parties (and are recused) but move nothing.
    static func directoryEntries(_ personIDs: [String], _ connection: isolated PostgresConnection) throws -> [NamedSubject] {
        guard !personIDs.isEmpty else { return [] }
        let rows = try connection.query(
            """
            SELECT person_id, office, heads_office, is_director_general FROM staff_directory WHERE person_id = ANY(\(personIDs))
            """)
        var known: [String: NamedSubject] = [:]
        for row in rows {
            let id = try row.decode("person_id", as: String.self)
            known[id] = NamedSubject(
                personID: id, office: OfficeCode(try row.decode("office", as: String.self)),
                headsOffice: try row.decode("heads_office"), isDirectorGeneral: try row.decode("is_director_general"))
        }
        return personIDs.map { known[$0] ?? NamedSubject(personID: $0, office: nil) }
    }
}

extension RecordedAnswer {
    /// The answers as `case_answers` keeps them: a JSON array in the questionnaire's order.
    static func canonicalJSON(_ answers: [RecordedAnswer]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(answers)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
