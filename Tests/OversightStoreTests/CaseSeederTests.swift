import Foundation
import Logging
import OversightDomain
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

@testable import OversightSeeding

@Suite(.temporaryPostgres)
struct CaseSeederTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func seededCasesHaveIntactChainsAndPlausibleProportions() async throws {
        let options = try await suitePostgres().makeDatabase("seed")
        let pool = PostgresPool(.init(options: options, maxConnections: 2))
        let keys = try KeyRing(text: KeyRing.generateText())
        do {
            try await Migrator(pool: pool, migrations: try Migration.load(from: Self.root.appendingPathComponent("Schema").path)).migrate()
            var files: [String: String] = [:]
            let config = Self.root.appendingPathComponent("Config")
            for name in ["offices.yaml", "routing.yaml"] {
                files[name] = try String(contentsOf: config.appendingPathComponent(name), encoding: .utf8)
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: config.appendingPathComponent("workflows").path) {
                files["workflows/" + name] = try String(contentsOf: config.appendingPathComponent("workflows/" + name), encoding: .utf8)
            }
            let configuration = try OversightConfiguration.load(ConfigurationFiles(files: files))
            let catalog = try await WorkflowCatalog.register(configuration, pool: pool)
            let seeder = CaseSeeder(pool: pool, configuration: configuration, catalog: catalog, keys: keys, logger: .init(label: "test"))
            let report = try await seeder.seed(cases: 2_000, batchSize: 700)
            #expect(report.cases == 2_000)
            #expect(report.events >= 6_000 && report.events <= 20_000)

            // Every seeded case is in the search index, and its title is sealed.
            #expect(try await pool.query("SELECT count(*) AS n FROM case_search")[0].decode("n", as: Int.self) == 2_000)
            #expect(
                try await pool.query("SELECT count(*) AS n FROM cases WHERE position(convert_to('Seeded', 'UTF8') in title) > 0")[0]
                    .decode("n", as: Int.self) == 0)
            // The load leaves the search index as filings need it: no pending list (Schema/0030).
            #expect(
                try await pool.query("SELECT reloptions::text AS options FROM pg_class WHERE relname = 'case_search_tags_by_block'")[0]
                    .decode("options", as: String.self) == "{fastupdate=off}")
            let audit = try await AuditVerifier(pool: pool, keys: keys).verify()
            #expect(audit.firstBreak == nil)
            #expect(audit.casesChecked == 2_000)
            #expect(audit.eventsChecked == report.events)

            let byOffice = try await pool.query("SELECT office, count(*) AS n FROM cases GROUP BY office")
            let counts = Dictionary(
                uniqueKeysWithValues: try byOffice.map { (try $0.decode("office", as: String.self), try $0.decode("n", as: Int.self)) })
            #expect((counts["OIG"] ?? 0) > 1_000)
            #expect((counts["OMB"] ?? 0) > 0 && (counts["OMB"] ?? 0) < 200)
            let spread = try await pool.query(
                """
                SELECT count(DISTINCT state) AS states, count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed,
                       max(now() - opened_at) > interval '5 years' AS old, min(event_seq) AS fewest, max(event_seq) AS most
                FROM cases
                """)[0]
            #expect(try spread.decode("states", as: Int.self) > 20)
            #expect(try spread.decode("closed", as: Int.self) > 0)
            #expect(try spread.decode("old", as: Bool.self))
            #expect(try spread.decode("fewest", as: Int.self) >= 3)
            #expect(try spread.decode("most", as: Int.self) <= 10)

            // Every seeded case reads back as the store reads cases, hand-written JSON included.
            let sample = try await pool.query("SELECT snapshot, reference, kind FROM cases ORDER BY reference LIMIT 200")
            for row in sample {
                let document = try row.decode("snapshot", as: PostgresJSON<SnapshotDocument>.self).value
                #expect(!document.visitedStates.isEmpty)
                // Ombuds cases owe nothing by a date, triage included.
                #expect((document.triageDueAt != nil) == (try row.decode("kind", as: String.self) != "ombuds_case"))
            }
            let encoded = SnapshotDocument(
                CaseSnapshot(
                    workflow: configuration.workflow(.investigation)!, filedBy: "x", filedAt: Date(timeIntervalSince1970: 1_790_000_000.25),
                    triageDueAt: Date(timeIntervalSince1970: 1_790_086_400)), seal: .plain, caseID: UUID()
            ).json
            let decoded = try JSONDecoder().decode(SnapshotDocument.self, from: Data(encoded.utf8))
            #expect(decoded.triageDueAt == Date(timeIntervalSince1970: 1_790_086_400))
            #expect(decoded.visitedStates == ["received"])

            // Seeding more, even with the same seed, draws new ids and references (the bench
            // tops a seeded database up).
            _ = try await seeder.seed(cases: 300, batchSize: 300)
            #expect(try await pool.query("SELECT count(*) AS n FROM cases")[0].decode("n", as: Int.self) == 2_300)
            #expect(try await AuditVerifier(pool: pool, keys: keys).verify().breaks.isEmpty)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
