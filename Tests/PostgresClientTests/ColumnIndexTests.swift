import Testing

@testable import PostgresClient

/// A row's columns are found by name through `ColumnIndex` (its own hash table).
struct ColumnIndexTests {
    @Test func everyColumnOfAWideResultIsFoundAndTheFirstOfTwoEqualNamesWins() {
        // More names than the table's first size, so that some share a slot; and non-ASCII.
        let names = (0..<60).map { "c\($0)_" + String(repeating: "x", count: $0 % 7) } + ["é_ñ", "c3_xxx", "id"]
        let index = ColumnIndex(names)
        for (position, name) in names.enumerated() where name != "c3_xxx" || position == 3 {
            #expect(index[name] == position)
        }
        #expect(index["c3_xxx"] == 3)
        #expect(index["c0"] == nil)
        #expect(index["é_n"] == nil)
        #expect(index[""] == nil)
        #expect(ColumnIndex([])["id"] == nil)
    }
}
