import Foundation
import HTTPTypes
import OversightDomain
import PostgresClient
import PostgresTestSupport
import Testing

@testable import OversightStore

/// The report rollup is kept by triggers with every change; after a random history of
/// filings, transitions, reopenings, closings and reroutes it must equal the cells recomputed
/// from the raw rows, and every report must read the same from either.
@Suite(.temporaryPostgres)
struct ReportRollupTests {
    /// A small deterministic generator, so that a failure replays.
    struct Walk {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// The cells where the rollup (folded and pending changes summed) and the raw rows differ; empty when they agree.
    static func differences(_ api: CaseAPIHarness) async throws -> String {
        // The raw view reads cases as its owner, whom row security binds: as a reporting job.
        let rows = try await api.adminPool.withTransaction { connection in
            _ = try connection.query("SELECT set_config('oversight.system', 'reporting', true)")
            return try connection.query(
                """
                WITH rollup AS (
                    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                           owner_office, ioa_category, visitor_type, days, sum(n) AS n
                    FROM report_cells_now GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0),
                raw AS (SELECT * FROM report_cells_raw)
                SELECT 'rollup only: ' || d::text AS line FROM (SELECT * FROM rollup EXCEPT SELECT * FROM raw) d
                UNION ALL SELECT 'raw only: ' || d::text FROM (SELECT * FROM raw EXCEPT SELECT * FROM rollup) d
                ORDER BY 1 LIMIT 20
                """)
        }
        return try rows.map { try $0.decode("line", as: String.self) }.joined(separator: "\n")
    }

    static let audiences: [ReportAudience] = [
        .organization, .genderCoordination, .office(OfficeCode("OIG")!, head: true), .office(OfficeCode("OIG")!, head: false),
        .office(OfficeCode("ECO")!, head: true), .office(OfficeCode("AOAC")!, head: true), .office(OfficeCode("OMB")!, head: true),
        .office(OfficeCode("OLA")!, head: true), .office(OfficeCode("EVM")!, head: true), .office(OfficeCode("OSS")!, head: true),
    ]

    /// Files and moves cases at random for `steps` steps, the clock moving on by up to 12 days
    /// a step; returns the references.
    static func randomHistory(_ api: CaseAPIHarness, steps: Int, seed: UInt64) async throws -> [String] {
        var random = Walk(state: seed)
        let configuration = api.store.configuration
        let categories = configuration.routing.categories.sorted()
        let regions = configuration.offices.regions.keys.sorted()
        let ioa = ["compensation_and_benefits", "evaluative_relationships", "peer_and_colleague_relationships", "career_progression"]
        var references: [String] = []
        var transitions = 0
        for step in 0..<steps {
            api.clock.advance(days: Double(random.next(13)))
            if references.isEmpty || random.next(10) < 4 {
                let region = regions[random.next(regions.count)]
                let countries = configuration.offices.regions[region] ?? []
                // Now and then the Inspector General is named: the case goes to the alternate,
                // sealed from OIG.
                let category = categories[random.next(categories.count)]
                let filing = Filing(
                    category: category, title: "Case \(step)", narrative: "What happened.",
                    region: region, countryOffice: random.next(3) == 0 ? nil : countries[random.next(countries.count)],
                    subjects: step % 13 == 6 ? ["ig"] : [], answers: PlainAnswers.answers(category))
                let filer = Actor(id: "walker-staff-\(step)", memberships: [OfficeMembership(office: OfficeCode("HRM")!, role: .staff)])
                references.append(try await api.store.file(filing, by: filer).reference)
                continue
            }
            let reference = references[random.next(references.count)]
            let row = try await api.adminPool.query("SELECT office, kind, state, version FROM cases WHERE reference = \(reference)")[0]
            let office = OfficeCode(try row.decode("office", as: String.self))!
            let worker = Actor(
                id: "walker-\(office.rawValue.lowercased())", memberships: Set(Role.caseRoles.map { OfficeMembership(office: office, role: $0) }))
            guard let workflow = configuration.workflow(CaseKind(try row.decode("kind", as: String.self))) else { continue }
            var options = workflow.transitions(from: try row.decode("state", as: String.self))
            while !options.isEmpty {
                let transition = options.remove(at: random.next(options.count))
                var input: [String: FieldValue] = [:]
                for field in transition.requires {
                    if let choices = transition.choices[field] {
                        input[field] = .text(choices[random.next(choices.count)])
                    } else if field.contains("consent") {
                        input[field] = .flag(true)
                    } else if field == "ioa_category" {
                        input[field] = .text(ioa[random.next(ioa.count)])
                    } else {
                        input[field] = .text("recorded")
                    }
                }
                do {
                    _ = try await api.store.transition(
                        reference, transition.name, input: input, by: worker, expectedVersion: try row.decode("version", as: Int.self))
                    transitions += 1
                    break
                } catch is CaseStoreError {
                    continue
                }
            }
        }
        #expect(transitions > steps / 4, "the walk moved cases along (\(transitions) transitions)")
        return references
    }

    static func documents(_ api: CaseAPIHarness, source: ReportRollup.Source, period: ReportPeriod) async throws -> [String: ReportDocument] {
        try await documents(api, from: ReportRollup(pool: api.store.pool, source: source), period: period)
    }

    static func documents(_ api: CaseAPIHarness, from rollup: some RollupSource, period: ReportPeriod) async throws -> [String: ReportDocument] {
        let builder = ReportBuilder(settings: api.store.configuration.reports)
        var result: [String: ReportDocument] = [:]
        for audience in audiences {
            for name in audience.reports {
                let request = ReportRequest(
                    name: name, period: period, filters: ReportFilters(), audience: audience, asOf: CalendarDay(api.clock.now()))
                result["\(audience) \(name)"] = try await builder.build(request, from: rollup)
            }
        }
        return result
    }

    @Test func theRollupEqualsARecomputationFromTheRawRowsAfterARandomHistory() async throws {
        try await CaseAPIHarness.run { api in
            let started = CalendarDay(api.clock.now())
            _ = try await Self.randomHistory(api, steps: 160, seed: 20_261_130)
            #expect(try await api.count("SELECT count(*) AS n FROM case_events WHERE data ->> 'reopened' = 'true'") > 0)
            #expect(try await api.count("SELECT count(*) AS n FROM cases WHERE closed_at IS NOT NULL") > 5)
            #expect(try await api.count("SELECT count(*) AS n FROM cases WHERE cardinality(sealed_from) > 0") > 0)

            // Cell by cell.
            let differences = try await Self.differences(api)
            #expect(differences.isEmpty, "\(differences)")

            // Report by report, for every audience: the same from the rollup as from the raw rows.
            let period = try ReportPeriod(
                from: ReportPeriod.monthLabel(started), to: ReportPeriod.monthLabel(CalendarDay(api.clock.now())))
            let fromRollup = try await Self.documents(api, source: .rollup, period: period)
            let fromRaw = try await Self.documents(api, source: .raw, period: period)
            #expect(fromRollup.count > 40)
            for (key, document) in fromRollup.sorted(by: { $0.key < $1.key }) {
                #expect(document == fromRaw[key], "\(key) differs from its recomputation")
            }

            // Independently of the cells: every case received, counted once at its office.
            var received = 0
            for office in ["OIG", "ECO", "EVM", "OLA", "OMB", "OSS", "AOAC"] {
                let document = try #require(fromRollup["office \(office) (head) caseload"], "\(fromRollup.keys.sorted())")
                received += document.tables.first { $0.id == "by_office" }?.total?.cells[0].count ?? 0
            }
            let raw = try await api.count("SELECT count(*) AS n FROM cases")
            #expect(received == raw)

            // Ages by band, as the day-by-day arithmetic on the open cases gives them.
            let asOf = CalendarDay(api.clock.now()).description
            let bands = try await api.adminPool.query(
                """
                SELECT count(*) FILTER (WHERE age <= 30) AS a, count(*) FILTER (WHERE age BETWEEN 31 AND 90) AS b,
                       count(*) FILTER (WHERE age BETWEEN 91 AND 180) AS c, count(*) FILTER (WHERE age BETWEEN 181 AND 365) AS d,
                       count(*) FILTER (WHERE age > 365) AS e
                FROM (SELECT \(asOf)::date - (opened_at AT TIME ZONE 'UTC')::date AS age FROM cases WHERE office = 'OIG' AND closed_at IS NULL) o
                """)[0]
            let expected = try ["a", "b", "c", "d", "e"].map { try bands.decode($0, as: Int.self) }
            let ageing = try #require(fromRollup["office OIG (head) ageing"]?.tables.first { $0.id == "by_age" })
            #expect(ageing.total?.cells.prefix(5).map { $0.count ?? -1 } == expected)
            #expect(expected.filter { $0 > 0 }.count >= 2, "the history spreads over several bands: \(expected)")

            // Nothing an outside reader is shown gives a withheld cell away.
            for (key, document) in fromRollup where document.suppression != nil {
                for table in document.tables {
                    #expect(SmallCellSuppression.recoverable(in: table).isEmpty, "\(key) \(table.id)")
                }
            }

            // Folding the changes changes no count, and leaves one row a cell, none of them zero.
            #expect(try await api.count("SELECT count(*) AS n FROM report_cell_changes") > 0)
            while try await ReportRollup.fold(pool: api.store.pool, batch: 50) > 0 {}
            #expect(try await Self.differences(api).isEmpty)
            #expect(try await api.count("SELECT count(*) AS n FROM report_cell_changes") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM report_cells WHERE n = 0") == 0)

            // The backfill rebuilds the same rollup from the raw rows.
            #expect(try await ReportRollup.rebuild(ownerPool: api.adminPool) > 100)
            #expect(try await Self.differences(api).isEmpty)
            #expect(try await Self.documents(api, source: .rollup, period: period) == fromRollup)
        }
    }

    /// A reader keeps each query's folded cells for the fold generation it read them at: what
    /// it reads later, while writers go on and folds come and go, must still equal the raw rows.
    @Test func aReaderKeepingTheFoldedCellsCountsEveryLaterChange() async throws {
        try await CaseAPIHarness.run { api in
            let started = CalendarDay(api.clock.now())
            _ = try await Self.randomHistory(api, steps: 60, seed: 20_261_201)
            while try await ReportRollup.fold(pool: api.store.pool, batch: 1_000) > 0 {}
            let reader = ReportRollup(pool: api.store.pool)
            func generation() async throws -> (epoch: String, fold: Int) {
                let row = try await api.adminPool.query("SELECT epoch::text AS epoch, fold FROM report_fold_generation")[0]
                return (try row.decode("epoch", as: String.self), try row.decode("fold", as: Int.self))
            }
            func kept() async throws -> Int {
                let (epoch, fold) = try await generation()
                return reader.folded.entries(epoch: epoch, fold: fold)
            }
            func compare(_ moment: String) async throws {
                let period = try ReportPeriod(
                    from: ReportPeriod.monthLabel(started), to: ReportPeriod.monthLabel(CalendarDay(api.clock.now())))
                let kept = try await Self.documents(api, from: reader, period: period)
                let raw = try await Self.documents(api, source: .raw, period: period)
                #expect(kept.count > 40)
                for (key, document) in kept.sorted(by: { $0.key < $1.key }) {
                    #expect(document == raw[key], "\(moment): \(key) differs from its recomputation")
                }
            }
            try await compare("first read")
            let first = try await generation()
            #expect(try await kept() > 10)

            // Writers go on, nothing folded: the kept cells and the new changes.
            _ = try await Self.randomHistory(api, steps: 40, seed: 20_261_202)
            #expect(try await api.count("SELECT count(*) AS n FROM report_cell_changes") > 0)
            #expect(try await generation().fold == first.fold)
            try await compare("changes after the kept fold")
            #expect(try await kept() > 10)

            // Folds of part of the changes: the kept cells move on by what the folds logged, the
            // rest is still pending.
            #expect(try await ReportRollup.fold(pool: api.store.pool, batch: 25) == 25)
            #expect(try await ReportRollup.fold(pool: api.store.pool, batch: 25) == 25)
            #expect(try await generation().fold == first.fold + 2)
            #expect(try await api.count("SELECT count(*) AS n FROM report_cell_changes") > 0)
            let wholeReads = reader.folded.wholeReads
            try await compare("after two partial folds")
            #expect(try await kept() > 10)
            // The same queries as the read before (the clock stood still): none was read whole,
            // each moved on by what the folds logged.
            #expect(reader.folded.wholeReads == wholeReads)

            // A backfill starts a new epoch: everything is read again.
            #expect(try await ReportRollup.rebuild(ownerPool: api.adminPool) > 100)
            #expect(try await generation().epoch != first.epoch)
            try await compare("after a backfill")
            #expect(try await kept() > 10)
        }
    }

    @Test func ombudsStatisticsAreCutOnlyByDeidentifiedFields() async throws {
        try await CaseAPIHarness.run { api in
            let visitor = try await api.token("hr-olga", "HRM:staff")
            let reference = try await api.file(visitor, category: "workplace_concern", title: "My supervisor and I", region: "Asia")
            let ombudsperson = try await api.token("ombuds", "OMB:head")
            for (transition, fields) in [
                ("hold_intake_conversation", ["consent_scope": "ombudsperson_only"]), ("explore_options", [:]),
                ("close_self_help", ["ioa_category": "evaluative_relationships"]),
            ] as [(String, [String: Any])] {
                let reply = try await api.transition(reference, transition, token: ombudsperson, fields: fields)
                #expect(reply.status == .ok, "\(transition): \(String(decoding: reply.body, as: UTF8.self))")
            }
            let executive = try await api.token("cos", "COS:executive")
            let reply = try await api.call(.get, "/v1/reports/ombuds", token: executive)
            #expect(reply.status == .ok)
            let document = try APIBody.decoder.decode(ReportDocument.self, from: reply.body)
            let allowed = ["IOA category", "Visitor type", "Region", "Month", "Outcome"]
            #expect(!document.tables.isEmpty)
            for table in document.tables { #expect(allowed.contains(table.rowHeading), "\(table.id) is cut by \(table.rowHeading)") }
            #expect(Set(document.filters.keys).isSubset(of: ["region"]))
            let text = String(decoding: reply.body, as: UTF8.self)
            for identifying in [reference, "hr-olga", "My supervisor", "ombudsperson_only"] { #expect(!text.contains(identifying)) }
            // One case: withheld from the executive, counted for the office itself.
            #expect(document.tables[0].rows.first { $0.label == "Evaluative relationships" }?.cells[0].display == "<5")
            let own = try await api.call(.get, "/v1/reports/ombuds?format=json", token: ombudsperson)
            let ownDocument = try APIBody.decoder.decode(ReportDocument.self, from: own.body)
            #expect(ownDocument.suppression == nil)
            #expect(ownDocument.tables[0].rows.first { $0.label == "Evaluative relationships" }?.cells[0].count == 1)
        }
    }
}
