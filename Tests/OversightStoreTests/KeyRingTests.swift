import Foundation
import OversightStore
import Testing

/// The key ring and the seals (no database): what parses, what a wrapped key and a sealed
/// value are bound to, and the tags row security compares.
struct KeyRingTests {
    @Test func aGeneratedRingParsesInItsFileAndItsEnvironmentForms() throws {
        let text = KeyRing.generateText()
        let ring = try KeyRing(text: text)
        #expect(ring.keyIDs == ["k1"] && ring.currentKeyID == "k1")
        let oneLine = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: ";")
        let same = try KeyRing(text: oneLine + ";" + KeyRing.newKeyLine(id: "k2"))
        #expect(same.keyIDs == ["k1", "k2"] && same.currentKeyID == "k2")
        #expect(same.filerTag("hr-fatima") == ring.filerTag("hr-fatima"), "the index key is the same, so are the tags")
    }

    @Test func aBrokenRingIsRefusedWithWhatIsWrong() throws {
        let index = "index " + Data(repeating: 1, count: 32).base64EncodedString()
        let kek = "kek k1 " + Data(repeating: 2, count: 32).base64EncodedString()
        for (text, expected) in [
            (kek, "no index key"), (index, "no key-encryption key"), (index + "\nkek k1 c2hvcnQ=", "not 32 bytes"),
            (index + "\n" + kek + "\n" + kek, "k1 twice"), (index + "\nkek k/1 " + Data(count: 32).base64EncodedString(), "a key id is"),
            (index + "\n" + kek + "\nwrap k2", "expected `index"),
        ] {
            #expect {
                try KeyRing(text: text)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test func aWrappedKeyOpensForItsOwnCaseOnly() throws {
        let ring = try KeyRing(text: KeyRing.generateText())
        let key = CaseKey.generate()
        let first = UUID()
        let (id, wrapped) = ring.wrap(key, for: first)
        #expect(id == "k1" && wrapped.count > 32)
        #expect(try ring.unwrap(wrapped, for: first).key.data == key.data)
        #expect(throws: KeyRing.UnwrapRefused.self) { try ring.unwrap(wrapped, for: UUID()) }
        var altered = wrapped
        altered[altered.count - 1] ^= 1
        #expect(throws: KeyRing.UnwrapRefused.self) { try ring.unwrap(altered, for: first) }
        // Another ring's key-encryption key of the same id does not open it.
        #expect(throws: KeyRing.UnwrapRefused.self) { try KeyRing(text: KeyRing.generateText()).unwrap(wrapped, for: first) }
        // Bare 32 bytes: a key written before encryption, content stored plain.
        #expect(try ring.unwrap(key.data, for: first).sealsContent == false)
        // A read that found no key row is refused; an empty one is a destroyed key.
        #expect(throws: KeyRing.UnwrapRefused.self) { try ring.seal(nil, for: first) }
        #expect(try ring.seal(Data(), for: first).seals == false)
    }

    @Test func aKeptContentKeyOpensItsOwnCaseOnly() throws {
        let ring = try KeyRing(text: KeyRing.generateText())
        let key = CaseKey.generate()
        let first = UUID()
        let (_, wrapped) = ring.wrap(key, for: first)
        let place = SealedPlace("cases", "title", row: first)
        let sealed = CaseSeal(newCaseKey: key).seal("Kept", at: place)
        // Read twice (the second from the kept keys), it opens the same.
        #expect(try ring.seal(wrapped, for: first).openText(sealed, at: place) == "Kept")
        #expect(try ring.seal(wrapped, for: first).openText(sealed, at: place) == "Kept")
        // Once kept, the same wrapped key read for another case is still refused.
        #expect(throws: KeyRing.UnwrapRefused.self) { try ring.seal(wrapped, for: UUID()) }
        var altered = wrapped
        altered[altered.count - 1] ^= 1
        #expect(throws: KeyRing.UnwrapRefused.self) { try ring.seal(altered, for: first) }
    }

    @Test func aRingFromAFileReadsItAgainForAKeyAddedSinceItStarted() throws {
        let text = KeyRing.generateText()
        let source = TextBox(text)
        let running = try KeyRing(text: text) { source.value }
        let added = KeyRing.newKeyLine(id: "k2")
        let rotated = try KeyRing(text: text + added)
        let caseID = UUID()
        let (id, wrapped) = rotated.wrap(CaseKey.generate(), for: caseID)
        #expect(id == "k2")
        #expect(throws: KeyRing.UnwrapRefused.self) { try running.unwrap(wrapped, for: caseID) }
        source.value = text + added
        #expect(try running.unwrap(wrapped, for: caseID).sealsContent)
        #expect(running.currentKeyID == "k2")
    }

    @Test func aSealedValueOpensInItsOwnPlaceOnly() throws {
        let seal = CaseSeal(newCaseKey: CaseKey.generate())
        let caseID = UUID()
        let title = SealedPlace("cases", "title", row: caseID)
        let sealed = seal.seal("Invoices paid twice", at: title)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("Invoices"))
        #expect(try seal.openText(sealed, at: title) == "Invoices paid twice")
        #expect(throws: SealRefused.self) { try seal.open(sealed, at: SealedPlace("cases", "narrative", row: caseID)) }
        #expect(throws: SealRefused.self) { try seal.open(sealed, at: SealedPlace("cases", "title", row: UUID())) }
        #expect(throws: SealRefused.self) { try CaseSeal(newCaseKey: CaseKey.generate()).open(sealed, at: title) }
        #expect(throws: SealRefused.self) { try seal.open(Data("Invoices paid twice".utf8), at: title) }
        // Each sealing draws its own nonce: equal titles do not look equal.
        #expect(seal.seal("Invoices paid twice", at: title) != sealed)
    }

    @Test func tagsAreKeyedAndKeepTheirPurposesApart() throws {
        let ring = try KeyRing(text: KeyRing.generateText())
        #expect(ring.filerTag("hr-fatima").hasPrefix("t:") && ring.filerTag("hr-fatima") == ring.filerTag("hr-fatima"))
        #expect(ring.filerTag("hr-fatima") != ring.filerTag("hr-fatimb"))
        #expect(ring.tag("filer", "x") != ring.tag("word", "x"))
        #expect(try KeyRing(text: KeyRing.generateText()).filerTag("hr-fatima") != ring.filerTag("hr-fatima"))
    }
}

/// A mutable text a reload closure reads.
final class TextBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String
    init(_ value: String) { stored = value }
    var value: String {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
