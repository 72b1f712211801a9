import PostgresClient
import Testing

struct QueryTests {
    @Test func interpolationsBecomeParameters() {
        let reference = "OIG-2026-000123'; --"
        let query: PostgresQuery = "SELECT * FROM cases WHERE reference = \(reference) AND version = \(3)"
        #expect(query.sql == "SELECT * FROM cases WHERE reference = $1 AND version = $2")
        #expect(query.binds.count == 2)
        #expect(query.binds[0].type == .text)
        #expect(query.binds[0].bytes == Array(reference.utf8))
        #expect(query.binds[1].type == .int8)
    }

    @Test func nilBindsAsTypedNull() {
        let assignee: String? = nil
        let query: PostgresQuery = "UPDATE cases SET assignee = \(assignee)"
        #expect(query.binds == [PostgresBind(nullOf: .text)])
    }

    @Test func copyEncoderEscapesSpecialCharacters() {
        var encoder = CopyTextEncoder()
        encoder.field("a\tb\\c\nd\re")
        encoder.field(nil)
        encoder.endRow()
        #expect(String(decoding: encoder.bytes, as: UTF8.self) == "a\\tb\\\\c\\nd\\re\t\\N\n")
        #expect(encoder.rowCount == 1)
    }
}
