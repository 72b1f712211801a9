import Foundation
import OversightServer
import OversightStore
import Testing

/// Where the key ring comes from: the environment, a file, or (the private development
/// database only) a file made on first use; never nothing.
struct KeyRingSetupTests {
    @Test func aConfiguredDatabaseWithoutARingIsRefused() throws {
        var settings = ServiceSettings()
        settings.databaseURL = "postgresql://oversight_service@db/oversight"
        #expect {
            try KeyRingSetup.resolve(settings)
        } throws: { error in
            "\(error)".contains("OVERSIGHT_KEY_RING")
        }
        settings.keyRingFile = NSTemporaryDirectory() + "missing-\(UUID().uuidString)"
        #expect {
            try KeyRingSetup.resolve(settings)
        } throws: { error in
            "\(error)".contains("does not exist")
        }
        settings.keyRing = KeyRing.generateText()
        #expect(try KeyRingSetup.resolve(settings).keyIDs == ["k1"])
    }

    @Test func theDevelopmentRingIsMadeOwnerOnlyOnceAndKept() throws {
        let folder = NSTemporaryDirectory() + "ring-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var settings = ServiceSettings()
        settings.privateDataDirectory = folder + "/postgres"
        let first = try KeyRingSetup.resolve(settings)
        let path = folder + "/key-ring"
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try KeyRingSetup.resolve(settings)
        #expect(again.filerTag("x") == first.filerTag("x"), "the same ring is read back, not made again")
        #expect(KeyRingSetup.file(settings) == path)

        // A ring others can read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect {
            try KeyRingSetup.resolve(settings)
        } throws: { error in
            "\(error)".contains("readable by others")
        }
    }
}
