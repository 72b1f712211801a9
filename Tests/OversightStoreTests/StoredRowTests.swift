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
        for name in ["queue", "transition", "view"] {
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
    }
}
