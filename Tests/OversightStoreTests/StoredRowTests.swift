import Foundation
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Each stored row has one Swift definition (columns, types, encodings); the INSERTs, the
/// select lists and the bulk loader's COPY are all made from it. These tests hold the
/// definitions to the migrated schema and to the ceiling scripts of the bench.
@Suite(.temporaryPostgres)
struct StoredRowTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyRowDefinitionMatchesTheCatalog() async throws {
        let options = try await suitePostgres().makeDatabase("rows")
        let pool = PostgresPool(.init(options: options, maxConnections: 1))
        do {
            try await Migrator(pool: pool, migrations: try Migration.load(from: Self.root.appendingPathComponent("Schema").path)).migrate()
            let mismatches = try await pool.withTransaction { connection in
                try CaseRecord.catalogMismatches(connection) + CaseEvent.catalogMismatches(connection)
                    + StoredCaseKey.catalogMismatches(connection) + CasePartyRow.catalogMismatches(connection)
                    + CaseCommentRow.catalogMismatches(connection)
            }
            #expect(mismatches.isEmpty, "\(mismatches)")

            // The check can fail: a definition that drifted from the table is named.
            try await pool.query("ALTER TABLE case_keys ADD COLUMN wrapped_by text NOT NULL")
            try await pool.query("ALTER TABLE case_keys ALTER COLUMN destroyed_at TYPE timestamp")
            let drifted = try await pool.withTransaction { connection in try StoredCaseKey.catalogMismatches(connection) }
            #expect(
                drifted.sorted() == [
                    "case_keys.destroyed_at: type 1184 in Swift, 1114 in the table",
                    "case_keys.wrapped_by: required by the table, missing from the definition",
                ])
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// Every statement of the ceiling scripts plans against the migrated schema (pgbench
    /// variables replaced by sample values): a script the bench would abort on fails here.
    @Test func theCeilingScriptsPlanAgainstTheSchema() async throws {
        let options = try await suitePostgres().makeDatabase("ceiling")
        let pool = PostgresPool(.init(options: options, maxConnections: 1))
        do {
            try await Migrator(pool: pool, migrations: try Migration.load(from: Self.root.appendingPathComponent("Schema").path)).migrate()
            let samples = [
                ":c_event_hash": "'\\x00'::bytea", ":c_event_seq": "1", ":c_state": "'on_hold'", ":c_id": "gen_random_uuid()",
                ":id": "gen_random_uuid()",
                ":prepared": "1", ":filers": "1", ":wv": "1", ":n": "1", ":f": "1", ":from": "'2026-01-01'", ":to": "'2027-01-01'",
            ]
            let reports = ["caseload", "ageing", "timeliness", "outcomes", "retaliation", "ombuds", "recommendations", "evaluations", "indicators"]
            for name in ["file", "transition", "queue", "view"] + reports.map({ "report/" + $0 }) {
                var text = try String(contentsOf: Self.root.appendingPathComponent("Benchmarks/pgbench/\(name).sql"), encoding: .utf8)
                text = text.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("\\") }.joined(separator: "\n")
                text = text.replacingOccurrences(of: "\\gset c_", with: ";").replacingOccurrences(of: "\\gset", with: ";")
                for (variable, value) in samples.sorted(by: { $0.key.count > $1.key.count }) {
                    text = text.replacingOccurrences(of: variable, with: value)
                }
                let statements = text.components(separatedBy: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                    .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
                    .filter { !$0.isEmpty && !["BEGIN", "COMMIT"].contains(where: $0.hasPrefix) }
                #expect(statements.count >= 2, "\(name).sql")
                let script =
                    "BEGIN;\nCREATE TEMP TABLE bench_prepared (n int, reference text);\n"
                    + "CREATE TEMP TABLE bench_refs (n int, reference text);\n"
                    + statements.map { "EXPLAIN " + $0 + ";" }.joined(separator: "\n") + "\nROLLBACK;\n"
                let path = NSTemporaryDirectory() + "ceiling-\(name.replacingOccurrences(of: "/", with: "-"))-\(UUID().uuidString).sql"
                try script.write(toFile: path, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let contents = try FileContents(path: path)
                do {
                    try await pool.withConnection { connection in try await connection.run(PostgresScript(fileContents: contents)) }
                } catch {
                    Issue.record("\(name).sql does not plan: \(error)")
                }
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    /// The database ceiling (pgbench) writes the same columns the service writes, in the
    /// same order: the scripts may not drift from the definitions either.
    @Test func theCeilingScriptsWriteTheDefinedColumns() throws {
        let script = try String(
            contentsOf: Self.root.appendingPathComponent("Benchmarks/pgbench/file.sql"), encoding: .utf8)
        func columns(of table: String) throws -> String {
            let start = try #require(script.range(of: "INSERT INTO \(table) ("), "no INSERT INTO \(table) in file.sql")
            let end = try #require(script[start.upperBound...].firstIndex(of: ")"))
            return script[start.upperBound..<end].split(whereSeparator: { $0 == "," || $0.isWhitespace }).joined(separator: ", ")
        }
        #expect(try columns(of: "cases") == CaseRecord.columnList)
        #expect(try columns(of: "case_events") == CaseEvent.columnList)
        #expect(try columns(of: "case_keys") == StoredCaseKey.columnList)

        // The case's select and RETURNING lists, in every script that reads a case.
        for name in ["transition", "view"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent("Benchmarks/pgbench/\(name).sql"), encoding: .utf8)
            var rest = text[...]
            var lists = 0
            while let start = rest.range(of: "id, reference, kind") {
                let tail = rest[start.lowerBound...]
                let end =
                    [tail.range(of: "FROM")?.lowerBound, tail.range(of: ";")?.lowerBound, tail.range(of: "\n    ,")?.lowerBound]
                    .compactMap { $0 }.min() ?? tail.endIndex
                let list = tail[..<end].split(whereSeparator: { $0 == "," || $0.isWhitespace }).joined(separator: ", ")
                #expect(list == CaseRecord.columnList, "\(name).sql")
                lists += 1
                rest = tail[end...]
            }
            #expect(lists > 0, "\(name).sql reads no case")
        }

        // The listing's select list, in the scripts that read a page of cases.
        func normalized(_ list: Substring) -> String { list.split(whereSeparator: { $0 == "," || $0.isWhitespace }).joined(separator: " ") }
        for name in ["queue", "search"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent("Benchmarks/pgbench/\(name).sql"), encoding: .utf8)
            let start = try #require(text.range(of: "cases.id, cases.reference"), "\(name).sql reads no listing")
            let end = try #require(text[start.lowerBound...].range(of: "\nFROM cases"))
            #expect(normalized(text[start.lowerBound..<end.lowerBound]) == normalized(CaseListing.select.sql[...]), "\(name).sql")
        }
    }
}
