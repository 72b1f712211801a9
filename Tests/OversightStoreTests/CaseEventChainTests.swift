import Foundation
import OversightStore
import Testing

struct CaseEventChainTests {
    let caseID = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    let at = Date(timeIntervalSince1970: 1_790_000_000.123456)

    /// The encoding is part of the audit trail: a stored chain must verify with every later
    /// version of the code. This digest was computed independently (Python's hashlib over the
    /// documented length-prefixed fields).
    @Test func digestOfAKnownEventIsStable() {
        let digest = CaseEventChain.digest(
            caseID: caseID, seq: 1, kind: "filed", actor: "hr-fatima", at: at,
            data: ["category": "fraud"], prevHash: Data())
        #expect(digest.map { String(format: "%02x", $0) }.joined() == "4e652528ca65f5a6075ac7146e3906dac72de7742663b24a22c0bde45373cb35")
    }

    @Test func everyFieldAndThePreviousHashChangeTheDigest() {
        let first = CaseEventChain.append(caseID: caseID, after: (0, Data()), kind: "filed", actor: "a", at: at, data: ["k": "v"])
        let second = CaseEventChain.append(caseID: caseID, after: (first.seq, first.hash), kind: "routed", actor: "a", at: at, data: [:])
        #expect(second.seq == 2)
        #expect(second.prevHash == first.hash)
        #expect(CaseEventChain.isIntact(first) && CaseEventChain.isIntact(second))
        let variants = [
            CaseEventChain.digest(caseID: caseID, seq: 1, kind: "filed", actor: "b", at: at, data: ["k": "v"], prevHash: Data()),
            CaseEventChain.digest(
                caseID: caseID, seq: 1, kind: "filed", actor: "a", at: at.addingTimeInterval(0.000_001), data: ["k": "v"], prevHash: Data()),
            CaseEventChain.digest(caseID: caseID, seq: 1, kind: "filed", actor: "a", at: at, data: ["k": "w"], prevHash: Data()),
            // Length prefixes keep ("ab", "c") apart from ("a", "bc").
            CaseEventChain.digest(caseID: caseID, seq: 1, kind: "filed", actor: "a", at: at, data: ["kv": ""], prevHash: Data()),
            CaseEventChain.digest(caseID: caseID, seq: 1, kind: "filed", actor: "a", at: at, data: ["k": "v"], prevHash: Data([0])),
        ]
        #expect(Set(variants + [first.hash]).count == variants.count + 1)
    }
}
