import Foundation

extension UUID {
    /// The lowercase text form (8-4-4-4-12) that sealed places and wrapped keys are bound to.
    /// Written from the bytes: `uuidString` formats through the C library's printf, several
    /// times per case read.
    var lowercasedText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var at = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        text[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    text[at] = UUIDText.digits[Int(byte >> 4)]
                    text[at + 1] = UUIDText.digits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }
}

private enum UUIDText {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
