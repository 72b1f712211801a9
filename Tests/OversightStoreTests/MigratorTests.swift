import Foundation
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// A folder of migration files made for one test.
struct MigrationFolder {
    let path: String

    init(_ files: [String: String]) throws {
        path = NSTemporaryDirectory() + "migrations-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try write(name, text) }
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + name)
    }

    func migrations() throws -> [Migration] { try Migration.load(from: path) }
}

let fixtureMigrations = [
    "0001_create_registry.sql": "CREATE TABLE registry (entry text NOT NULL);",
    // Not idempotent: applied twice, the row count would show it.
    "0002_first_entry.sql": "INSERT INTO registry (entry) VALUES ('first');",
]

@Suite(.temporaryPostgres)
struct MigratorTests {
    /// A pool over a fresh database of the suite's server.
    func withFreshDatabase<Result: Sendable>(_ body: (PostgresPool) async throws -> Result) async throws -> Result {
        let options = try await suitePostgres().makeDatabase("migrate")
        let pool = PostgresPool(.init(options: options, maxConnections: 4))
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    @Test func appliesFromEmptyThenChangesNothing() async throws {
        let folder = try MigrationFolder(fixtureMigrations)
        try await withFreshDatabase { pool in
            let migrator = Migrator(pool: pool, migrations: try folder.migrations())
            let before = try await migrator.status()
            #expect(before.applied.isEmpty)
            #expect(before.pending.map(\.fileName) == ["0001_create_registry.sql", "0002_first_entry.sql"])

            let first = try await migrator.migrate()
            #expect(first.map(\.version) == [1, 2])
            let second = try await migrator.migrate()
            #expect(second.isEmpty)

            let after = try await migrator.status()
            #expect(after.isCurrent)
            #expect(after.applied.map(\.fileName) == ["0001_create_registry.sql", "0002_first_entry.sql"])
            let rows = try await pool.query("SELECT count(*) AS n FROM registry")
            #expect(try rows[0].decode("n", as: Int.self) == 1)
        }
    }

    @Test func changedFileIsRefusedByName() async throws {
        let folder = try MigrationFolder(fixtureMigrations)
        try await withFreshDatabase { pool in
            try await Migrator(pool: pool, migrations: try folder.migrations()).migrate()
            try folder.write("0001_create_registry.sql", "CREATE TABLE registry (entry text);")
            try folder.write("0003_later.sql", "CREATE TABLE later (x int);")
            let migrator = Migrator(pool: pool, migrations: try folder.migrations())
            let error = await #expect(throws: MigrationError.self) { try await migrator.migrate() }
            guard case .changedAfterApply(let fileName, _, _) = error else {
                Issue.record("expected changedAfterApply, got \(String(describing: error))")
                return
            }
            #expect(fileName == "0001_create_registry.sql")
            #expect(error?.description.contains("0001_create_registry.sql") == true)
            // Nothing after the refusal was applied.
            let later = try await pool.query("SELECT to_regclass('later') IS NULL AS absent")
            #expect(try later[0].decode("absent", as: Bool.self))
            let status = try await migrator.status()
            #expect(!status.isCurrent)
        }
    }

    @Test func missingAppliedFileIsRefusedByName() async throws {
        let folder = try MigrationFolder(fixtureMigrations)
        try await withFreshDatabase { pool in
            try await Migrator(pool: pool, migrations: try folder.migrations()).migrate()
            try folder.remove("0002_first_entry.sql")
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(pool: pool, migrations: try folder.migrations()).migrate()
            }
            #expect(error == .missingFile(fileName: "0002_first_entry.sql"))
        }
    }

    @Test func failingMigrationLeavesNothingBehind() async throws {
        let folder = try MigrationFolder([
            "0001_create_registry.sql": "CREATE TABLE registry (entry text NOT NULL);",
            "0002_broken.sql": "CREATE TABLE half (x int); INSERT INTO nowhere VALUES (1);",
        ])
        try await withFreshDatabase { pool in
            let migrator = Migrator(pool: pool, migrations: try folder.migrations())
            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate() }
            #expect(error?.sqlState == .undefinedTable)
            let status = try await migrator.status()
            #expect(status.applied.map(\.version) == [1])
            let half = try await pool.query("SELECT to_regclass('half') IS NULL AS absent")
            #expect(try half[0].decode("absent", as: Bool.self))
        }
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        var files = fixtureMigrations
        for index in 3...12 {
            files[String(format: "%04d_entry_%d.sql", index, index)] = "INSERT INTO registry (entry) VALUES ('entry \(index)');"
        }
        let folder = try MigrationFolder(files)
        let options = try await suitePostgres().makeDatabase("race")
        let migrations = try folder.migrations()
        // Two processes' worth: separate pools, so separate sessions race for the lock.
        let appliedCounts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let pool = PostgresPool(.init(options: options, maxConnections: 2))
                    do {
                        let applied = try await Migrator(pool: pool, migrations: migrations).migrate()
                        await pool.close()
                        return applied.count
                    } catch {
                        await pool.close()
                        throw error
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(appliedCounts.reduce(0, +) == 12)
        let pool = PostgresPool(.init(options: options, maxConnections: 1))
        let rows = try await pool.query("SELECT count(*) AS entries, count(DISTINCT entry) AS distinct_entries FROM registry")
        let recorded = try await pool.query("SELECT count(*) AS n FROM schema_migrations")
        await pool.close()
        #expect(try rows[0].decode("entries", as: Int.self) == 11)
        #expect(try rows[0].decode("distinct_entries", as: Int.self) == 11)
        #expect(try recorded[0].decode("n", as: Int.self) == 12)
    }

    @Test func fileNamesAreValidated() throws {
        let folder = try MigrationFolder(["1_bad.sql": "SELECT 1;"])
        #expect(throws: MigrationError.invalidFileName("1_bad.sql")) { try folder.migrations() }
        let duplicate = try MigrationFolder(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"])
        #expect(throws: MigrationError.duplicateVersion(1, "0001_a.sql", "0001_b.sql")) { try duplicate.migrations() }
    }

    @Test func projectSchemaAppliesCleanly() async throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Schema").path
        try await withFreshDatabase { pool in
            let migrator = Migrator(pool: pool, migrations: try Migration.load(from: schema))
            let applied = try await migrator.migrate()
            #expect(!applied.isEmpty)
            #expect(try await migrator.status().isCurrent)
            // The append-only guard exists for the history tables to use.
            let guardFunction = try await pool.query("SELECT to_regproc('refuse_modification') IS NOT NULL AS present")
            #expect(try guardFunction[0].decode("present", as: Bool.self))
        }
    }
}
