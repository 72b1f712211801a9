import Foundation
import PostgresClient
import PostgresTestSupport
import Testing

@Suite(.temporaryPostgres)
struct ValueRoundTripTests {
    /// Sends `value` as a parameter, has PostgreSQL cast it to `type`, and decodes it back.
    private func roundTrip<Value: PostgresEncodable & PostgresDecodable>(_ value: Value) async throws -> Value {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let rows = try await pool.query("SELECT \(value) AS v")
            return try rows[0].decode("v", as: Value.self)
        }
    }

    @Test func scalarsRoundTrip() async throws {
        #expect(try await roundTrip(true) == true)
        #expect(try await roundTrip(false) == false)
        #expect(try await roundTrip(Int16.min) == Int16.min)
        #expect(try await roundTrip(Int32.max) == Int32.max)
        #expect(try await roundTrip(Int64.min) == Int64.min)
        #expect(try await roundTrip(Int.max) == Int.max)
        #expect(try await roundTrip(-0.125 as Double) == -0.125)
        #expect(try await roundTrip(Double.greatestFiniteMagnitude) == Double.greatestFiniteMagnitude)
        let id = UUID()
        #expect(try await roundTrip(id) == id)
    }

    @Test func aUUIDReadsInTheByteOrderPostgreSQLWritesIt() async throws {
        let text = "00010203-0405-0607-0809-0a0b0c0d0e0f"
        let (one, many) = try await suitePostgres().withPool(maxConnections: 1) { pool in
            let rows = try await pool.query(
                "SELECT '00010203-0405-0607-0809-0a0b0c0d0e0f'::uuid AS v, ARRAY[gen_random_uuid(), '00010203-0405-0607-0809-0a0b0c0d0e0f'::uuid] AS a"
            )
            return (try rows[0].decode("v", as: UUID.self), try rows[0].decode("a", as: [UUID].self))
        }
        #expect(one == UUID(uuidString: text) && many.last == one && many.first != one)
    }

    @Test(arguments: ["", "plain", "emoji 🕵️‍♀️🧾", "עברית ومرحبا بالعالم", "tab\tnew\nline\\back", "'); DROP TABLE t; --"])
    func stringsRoundTrip(_ text: String) async throws {
        #expect(try await roundTrip(text) == text)
    }

    @Test func oneMegabyteString() async throws {
        let text = String(repeating: "abcdefghij", count: 104_858)
        let back = try await roundTrip(text)
        #expect(back.utf8.count == text.utf8.count)
        #expect(back == text)
    }

    @Test func byteaKeepsZeroBytes() async throws {
        let bytes = Data([0, 1, 0, 255, 0, 0, 127])
        #expect(try await roundTrip(bytes) == bytes)
        #expect(try await roundTrip(Data()) == Data())
    }

    @Test func timestampsKeepMicroseconds() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let rows = try await pool.query("SELECT '2026-11-29 10:11:12.345678+00'::timestamptz AS t")
            let date = try rows[0].decode("t", as: Date.self)
            #expect(abs(date.timeIntervalSince1970 - 1_795_947_072.345678) < 0.000_000_5)
            // Sent back, the server sees the same microsecond.
            let text = try await pool.query("SELECT to_char(\(date), 'YYYY-MM-DD HH24:MI:SS.US') AS s")
            #expect(try text[0].decode("s", as: String.self) == "2026-11-29 10:11:12.345678")
        }
        #expect(try await roundTrip(Date.distantFuture) == .distantFuture)
    }

    @Test func nullAsOptional() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let missing: String? = nil
            let rows = try await pool.query("SELECT \(missing)::text AS a, NULL::int8 AS b, 7::int8 AS c")
            #expect(try rows[0].decode("a", as: String?.self) == nil)
            #expect(try rows[0].decode("b", as: Int?.self) == nil)
            #expect(try rows[0].decode("c", as: Int?.self) == 7)
            #expect(rows[0].isNull("a"))
            #expect(throws: PostgresDecodingError.self) { try rows[0].decode("a", as: String.self) }
        }
    }

    @Test func arraysRoundTrip() async throws {
        #expect(try await roundTrip(["a", "", "ü ,{}\"", "'); DROP TABLE t; --"]) == ["a", "", "ü ,{}\"", "'); DROP TABLE t; --"])
        #expect(try await roundTrip([1, -2, Int.max]) == [1, -2, Int.max])
        #expect(try await roundTrip([Int32(3), 4]) == [3, 4])
        let ids = [UUID(), UUID()]
        #expect(try await roundTrip(ids) == ids)
        #expect(try await roundTrip([String]()) == [])
    }

    struct Finding: Codable, Equatable, Sendable {
        var title: String
        var severity: Int
        var tags: [String]
        var nested: [String: [Int]]
        var note: String?
    }

    @Test func nestedJSONRoundTrips() async throws {
        let finding = Finding(title: "Procurement 🧾", severity: 3, tags: ["fraud", "عربي"], nested: ["a": [1, 2], "b": []], note: nil)
        let back = try await roundTrip(PostgresJSON(finding))
        #expect(back.value == finding)
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let rows = try await pool.query("SELECT (\(PostgresJSON(finding)) -> 'nested' -> 'a' ->> 1)::int8 AS second")
            #expect(try rows[0].decode("second", as: Int.self) == 2)
        }
    }

    @Test func decodingErrorsNameTheColumn() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let rows = try await pool.query("SELECT 'x'::text AS label")
            let mismatch = #expect(throws: PostgresDecodingError.self) { try rows[0].decode("label", as: Int.self) }
            #expect(mismatch?.column == "label")
            #expect(mismatch?.description.contains("label") == true)
            let missing = #expect(throws: PostgresDecodingError.self) { try rows[0].decode("nope", as: String.self) }
            #expect(missing?.reason == .missingColumn)
        }
    }

    @Test func injectionTextIsStoredLiterally() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            let hostile = "'); DROP TABLE t; --"
            try await pool.query("CREATE TABLE t (value text)")
            try await pool.query("INSERT INTO t (value) VALUES (\(hostile))")
            let rows = try await pool.query("SELECT value FROM t")
            #expect(try rows.map { try $0.decode("value", as: String.self) } == [hostile])
            let exists = try await pool.query("SELECT to_regclass('public.t') IS NOT NULL AS present")
            #expect(try exists[0].decode("present", as: Bool.self))
        }
    }

    @Test func preparedStatementsAreReused() async throws {
        try await suitePostgres().withPool(maxConnections: 1) { pool in
            for number in 1...5 {
                let rows = try await pool.query(("SELECT \(number) * 2 AS doubled" as PostgresQuery).prepared())
                #expect(try rows[0].decode("doubled", as: Int.self) == number * 2)
            }
            let prepared = try await pool.query("SELECT count(*) AS n FROM pg_prepared_statements")
            #expect(try prepared[0].decode("n", as: Int.self) == 1)
        }
    }

    @Test func composedQueriesRenumberParameters() async throws {
        var query: PostgresQuery = "SELECT \(1) + \(2)"
        query.append(" + \(40) AS total")
        #expect(query.sql == "SELECT $1 + $2 + $3 AS total")
        let rows = try await suitePostgres().withPool(maxConnections: 1) { try await $0.query(query) }
        #expect(try rows[0].decode("total", as: Int.self) == 43)

        // Past nine parameters, beside text that is not ASCII and a `$` that is no placeholder.
        var long: PostgresQuery = "SELECT \(1) + \(1) + \(1) + \(1) + \(1) + \(1) + \(1) + \(1) + \(1)"
        long.append(" + \(10) + \(20) AS total, 'é$x' || \("ü") AS text")
        #expect(long.sql.hasSuffix("+ $10 + $11 AS total, 'é$x' || $12 AS text"))
        let more = try await suitePostgres().withPool(maxConnections: 1) { try await $0.query(long) }
        #expect(try more[0].decode("total", as: Int.self) == 39 && more[0].decode("text", as: String.self) == "é$xü")
    }
}
