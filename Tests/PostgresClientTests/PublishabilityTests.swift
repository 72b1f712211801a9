import Foundation
import Testing

/// PostgresClient (and the local server launcher) could be published on their own: they name
/// no application, path or role of the oversight service.
struct PublishabilityTests {
    @Test func theClientTargetsNameNoApplication() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for target in ["PostgresClient", "PostgresLocalServer", "CLibPQ", "CPosixSpawn"] {
            let folder = root.appendingPathComponent("Sources/\(target)")
            let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            #expect(!files.isEmpty, "\(target)")
            for file in files where file.hasSuffix(".swift") || file.hasSuffix(".h") || file.hasSuffix(".c") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.lowercased().contains("oversight"), "Sources/\(target)/\(file) names the application")
            }
        }
    }
}
