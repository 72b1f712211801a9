import Foundation
import Testing

@testable import OversightStore

/// Sealed places and wrapped keys are bound to a case's id as lowercase text: the text must
/// be exactly what earlier versions wrote with `uuidString.lowercased()`, or stored values
/// would no longer open.
struct UUIDTextTests {
    @Test func theLowercaseTextIsTheFoundationFormLowercased() {
        for _ in 0..<2_000 {
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
        }
        let edge = UUID(uuid: (0, 0x0F, 0xF0, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xAB, 0xCD))
        #expect(edge.lowercasedText == "000ff0ff-0102-0304-0506-0708090aabcd")
    }
}
