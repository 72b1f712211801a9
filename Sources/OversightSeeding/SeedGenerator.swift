import Foundation
import OversightDomain
import OversightStore
import PostgresClient

/// Makes the rows of seeded cases, in the store's own row definitions, encoded for COPY.
/// Deterministic: the same seed gives the same cases (their sealed content and wrapped keys
/// differ by the random nonces of the encryption alone).
struct SeedGenerator {
    typealias Batch = BulkCaseLoad.Rows

    let configuration: OversightConfiguration
    let catalog: WorkflowCatalog
    /// Wraps each case's data key and tags its filer, as the store does for a filed case.
    let keys: KeyRing
    var random: SplitMix64
    let now: Date
    var staff: [(id: String, office: String)] = []
    var idPrefix: UInt64 = 0
    var caseCounter = 0
    var wordTags: [String: Int64] = [:]
    let categories: [(rule: RoutingRule, weight: Double)]
    let totalWeight: Double

    init(configuration: OversightConfiguration, catalog: WorkflowCatalog, keys: KeyRing, seed: UInt64, now: Date) {
        self.configuration = configuration
        self.catalog = catalog
        self.keys = keys
        self.random = SplitMix64(seed: seed)
        self.now = now
        var seen: Set<String> = []
        let rules = configuration.routing.rules.filter { $0.region == nil && seen.insert($0.category).inserted }
        categories = rules.map { ($0, CaseSeeder.categoryWeights[$0.category] ?? 2) }
        totalWeight = categories.map(\.weight).reduce(0, +)
    }

    /// Staff spread over the offices, with one head each.
    mutating func directory(size: Int) -> [DirectoryEntry] {
        let offices = configuration.offices.offices.map(\.code.rawValue) + ["HRM", "FIN", "PRC", "ICT", "FLD"]
        var entries: [DirectoryEntry] = []
        for (index, office) in offices.enumerated() {
            entries.append(
                DirectoryEntry(
                    personID: "head-\(office.lowercased())", displayName: "Head of \(office)", office: office,
                    headsOffice: true, isDirectorGeneral: index == 0 && office == configuration.offices.directorGeneralOffice.rawValue))
        }
        while entries.count < size {
            let office = offices[Int(random.next() % UInt64(offices.count))]
            entries.append(
                DirectoryEntry(
                    personID: "staff-\(entries.count)", displayName: "Staff member \(entries.count)", office: office,
                    headsOffice: false, isDirectorGeneral: false))
        }
        staff = entries.map { ($0.personID, $0.office) }
        return entries
    }

    mutating func pickCategory() -> RoutingRule {
        var target = random.nextDouble() * totalWeight
        for (rule, weight) in categories {
            target -= weight
            if target <= 0 { return rule }
        }
        return categories[categories.count - 1].rule
    }

    static let vocabulary = SeedVocabulary.shared

    /// The index's tag of a word (the vocabulary is small: each is computed once).
    private mutating func wordTag(_ word: String) -> Int64 {
        if let known = wordTags[word] { return known }
        let tag = keys.tagBits("word", word)
        wordTags[word] = tag
        return tag
    }

    mutating func batch(_ size: Int) -> Batch {
        var batch = Batch()
        for _ in 0..<size { addCase(to: &batch) }
        return batch
    }

    private mutating func addCase(to batch: inout Batch) {
        let rule = pickCategory()
        guard let (versionID, workflow) = catalog.currentVersion(of: rule.kind) else { return }
        // Ages up to ten years, most cases recent.
        let ageDays = pow(random.nextDouble(), 2.2) * 3650
        let openedAt = CaseEventChain.microsecondPrecision(now.addingTimeInterval(-ageDays * 86_400 - Double(random.next() % 86_400)))
        let reference = CaseReference.random(using: &random)
        var keyBytes = Data(count: 32)
        for index in 0..<4 { withUnsafeBytes(of: random.next()) { keyBytes.replaceSubrange(index * 8..<(index + 1) * 8, with: $0) } }
        let caseKey = CaseKey(data: keyBytes)
        let seal = CaseSeal(newCaseKey: caseKey)

        // Walk the workflow: older cases have travelled further.
        var state = workflow.initialState
        var visited = [state.name]
        var path: [(TransitionDefinition, StateDefinition)] = []
        let steps = min(8, Int(random.next() % 3) + Int(ageDays / 120) + (ageDays > 30 ? 1 : 0))
        for _ in 0..<steps {
            let options = workflow.transitions(from: state.name).filter { !$0.reopen }.compactMap {
                transition -> (TransitionDefinition, StateDefinition)? in
                guard case .state(let target) = transition.to, let next = workflow.state(target), next.kind != .paused else { return nil }
                return (transition, next)
            }
            guard !options.isEmpty else { break }
            let choice = options[Int(random.next() % UInt64(options.count))]
            path.append(choice)
            state = choice.1
            visited.append(state.name)
            if state.kind == .terminal { break }
        }

        let id = nextCaseID()
        let filer = staff[Int(random.next() % UInt64(staff.count))].id
        var subject: String?
        if rule.office.rawValue == "OIG" || rule.kind == .retaliationReview {
            subject = staff[Int(random.next() % UInt64(staff.count))].id
        }
        let assignee: String? = path.isEmpty ? nil : officer(in: rule.office.rawValue)

        // History: filed, routed, each transition, then comments up to 3 to 10 events. The
        // filer appears as "reporter", as the service writes it.
        var events: [(kind: String, data: [String: String], at: Date, actor: String)] = [
            ("filed", ["category": rule.category, "kind": rule.kind.rawValue], openedAt, "reporter"),
            ("routed", ["office": rule.office.rawValue, "priority": rule.priority.rawValue, "rule": rule.citation], openedAt, "system:routing"),
        ]
        var at = openedAt
        let span = max(60, ageDays * 86_400 * 0.8)
        var from = workflow.initialState.name
        for (transition, target) in path {
            let entered = at
            at = at.addingTimeInterval(span / Double(path.count + 2))
            var data = ["transition": transition.name, "from": from, "to": target.name]
            if let limit = workflow.state(from)?.deadlineDays {
                data["stage_deadline"] = at.timeIntervalSince(entered) <= Double(limit) * 86_400 ? "within" : "late"
            }
            events.append(("transition", data, at, assignee ?? "head-\(rule.office.rawValue.lowercased())"))
            from = target.name
        }
        let wanted = 3 + Int(random.next() % 8)
        var comments: [(UUID, Date, String)] = []
        let worker = assignee ?? "head-\(rule.office.rawValue.lowercased())"
        while events.count < wanted {
            at = at.addingTimeInterval(3600)
            let commentID = UUID(uuid: random.uuidBytes())
            comments.append((commentID, at, worker))
            events.append(("comment", ["comment_id": commentID.uuidString.lowercased(), "visibility": "internal"], at, worker))
        }
        at = CaseEventChain.microsecondPrecision(at)

        let closed = state.kind == .terminal
        let title = "Seeded \(rule.label.lowercased()) case: " + Self.vocabulary.text(words: 2, &random)
        let narrative = "A seeded narrative: " + Self.vocabulary.text(words: 12, &random) + "."
        let region = ["Africa", "Americas", "Asia", "Europe", "Middle East"][Int(random.next() % 5)]
        // The facts of the row, recorded by its last event (as the service records them).
        let facts =
            (try? CaseFacts(values: [
                "kind": rule.kind.rawValue, "workflow_version": String(versionID), "office": rule.office.rawValue, "state": state.name,
                "category": rule.category, "priority": rule.priority.rawValue, "region": region, "sealed_from": "",
                "restricted_to_head": "false", "assignee": assignee, "outcome": state.outcome, "opened_at": CaseFacts.time(openedAt),
                "closed_at": closed ? CaseFacts.time(at) : nil, "title": title, "narrative": narrative, "filed_by": filer,
                "occurred_on": nil, "location": nil, "country_office": nil,
            ]).entries(since: nil, key: caseKey)) ?? [:]
        events[events.count - 1].data.merge(facts) { _, fact in fact }

        var head = (seq: 0, hash: Data())
        for event in events {
            let built = CaseEventChain.append(caseID: id, after: head, kind: event.kind, actor: event.actor, at: event.at, data: event.data)
            head = (built.seq, built.hash)
            batch.events.append(built)
        }
        for (commentID, time, author) in comments {
            let comment = CaseComment(id: commentID, author: author, visibility: .internal, body: "Working note on the case.", createdAt: time)
            batch.comments.append(CaseCommentRow(caseID: id, comment: comment, seal: seal))
        }
        if let subject {
            batch.parties.append(CasePartyRow(caseID: id, personID: subject, role: .subject, addedBy: EventActor.reporter, addedAt: openedAt))
        }
        batch.keys.append(StoredCaseKey(caseID: id, key: caseKey, keys: keys))
        batch.search.append(
            CaseSearchRow(
                caseID: id, office: rule.office.rawValue, openedAt: openedAt,
                tags: SearchWords.words(title + "\n" + narrative + "\nWorking note on the case.").map { wordTag($0) }))

        var snapshot = CaseSnapshot(
            workflow: workflow, office: rule.office, filedBy: filer, filedAt: openedAt,
            triageDueAt: workflow.imposesNoDeadlines
                ? nil
                : openedAt.addingTimeInterval(Double(rule.triageHours ?? configuration.routing.defaultTriageHours) * 3600))
        snapshot.state = state.name
        snapshot.visitedStates = Set(visited)
        snapshot.assignee = assignee
        snapshot.outcome = state.outcome
        if !path.isEmpty {
            snapshot.acknowledgedAt = openedAt.addingTimeInterval(86_400)
            snapshot.lastReporterUpdateAt = at
            snapshot.stageClock = state.deadlineDays.map { ClockState(limitDays: $0, startedAt: at) }
        }
        let due =
            closed
            ? Date.distantFuture
            : (CaseDeadlines(workflow: workflow).dueItems(for: snapshot).compactMap(\.dueAt).min() ?? .distantFuture)
        batch.cases.append(
            CaseRecord(
                id: id, reference: reference.description, kind: rule.kind, workflowVersionID: versionID, office: rule.office, state: state.name,
                category: rule.category, priority: rule.priority, title: title, narrative: narrative, occurredOn: nil, location: nil,
                region: region, countryOffice: nil, filedBy: filer, assignee: assignee, routingRule: rule.citation, conflict: nil,
                sealedFrom: [], restrictedToHead: false, snapshotJSON: SnapshotDocument(snapshot, seal: seal, caseID: id).json, dueAt: due,
                nextEscalationAt: due,
                openedAt: openedAt, closedAt: closed ? at : nil, outcome: state.outcome, version: 1 + events.count - 2, eventSeq: head.seq,
                eventHash: head.hash, updatedAt: at, reporterVersion: 1,
                parties: subject.map { [CaseParty(personID: $0, role: .subject)] } ?? [], seal: seal, filerTag: keys.filerTag(filer)))
    }

    /// Case ids that grow: a random prefix per run, then a counter, so COPY appends to the
    /// right edge of the id indexes instead of touching random pages of millions of rows.
    private mutating func nextCaseID() -> UUID {
        if idPrefix == 0 { idPrefix = random.next() }
        caseCounter += 1
        var bytes = (idPrefix.bigEndian, UInt64(caseCounter).bigEndian)
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { target in withUnsafeBytes(of: &bytes) { target.copyMemory(from: $0) } }
        uuid.6 = (uuid.6 & 0x0F) | 0x80  // version 8: custom, time-ordered layout
        uuid.8 = (uuid.8 & 0x3F) | 0x80
        return UUID(uuid: uuid)
    }

    private mutating func officer(in office: String) -> String {
        // Officers are named after the office so queues by assignee have realistic spread.
        "officer-\(office.lowercased())-\(random.next() % 40)"
    }
}

/// A fast, seedable generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func uuidBytes() -> uuid_t {
        let a = next(), b = next()
        var bytes = (a.bigEndian, b.bigEndian)
        return withUnsafeBytes(of: &bytes) { raw in
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: raw) }
            // Version 4, RFC 4122 variant.
            uuid.6 = (uuid.6 & 0x0F) | 0x40
            uuid.8 = (uuid.8 & 0x3F) | 0x80
            return uuid
        }
    }
}
