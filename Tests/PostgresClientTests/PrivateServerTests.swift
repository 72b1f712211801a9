import Foundation
import PostgresClient
import PostgresTestSupport
import Testing

@testable import PostgresLocalServer

/// The private PostgreSQL cannot be borrowed by another local user: it listens on no TCP port,
/// its socket folder is its own (0700; one someone else made is refused), and configuration
/// is never written through a symbolic link planted in the data folder.
@Suite(.temporaryPostgres)
struct PrivateServerTests {
    @Test func itListensOnAPrivateSocketOnly() async throws {
        let postgres = try suitePostgres()
        let (addresses, permissions) = try await postgres.withPool(maxConnections: 1) { pool in
            (
                try await pool.query("SHOW listen_addresses")[0].decode("listen_addresses", as: String.self),
                try await pool.query("SHOW unix_socket_permissions")[0].decode("unix_socket_permissions", as: String.self)
            )
        }
        #expect(addresses == "")
        #expect(permissions == "0700")
        let attributes = try FileManager.default.attributesOfItem(atPath: postgres.server.socketDirectory)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    }

    @Test func aSocketFolderSomeoneElsePreparedIsRefused() throws {
        let base = NSTemporaryDirectory() + "sock-\(UUID().uuidString.prefix(8))"
        // Made here: 0700 and the server's own.
        let fresh = base + "-fresh"
        try LocalPostgresServer.preparePrivateFolder(fresh)
        #expect((try FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? Int) == 0o700)
        try LocalPostgresServer.preparePrivateFolder(fresh)  // the same folder again is fine

        let open = base + "-open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o777])
        #expect(throws: LocalPostgresServer.StartError.self) { try LocalPostgresServer.preparePrivateFolder(open) }

        let link = base + "-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fresh)
        #expect(throws: LocalPostgresServer.StartError.self) { try LocalPostgresServer.preparePrivateFolder(link) }

        // 0700 but another user's (as root, the server's user is `postgres`, not root).
        if geteuid() == 0 {
            let foreign = base + "-foreign"
            try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            #expect(throws: LocalPostgresServer.StartError.self) { try LocalPostgresServer.preparePrivateFolder(foreign) }
        }
        for path in [fresh, open, link, base + "-foreign"] { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func configurationIsNeverWrittenThroughASymbolicLink() async throws {
        let root = NSTemporaryDirectory() + "pgsym-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
        let decoy = root + "/decoy.txt"
        try "precious\n".write(toFile: decoy, atomically: false, encoding: .utf8)
        chmod(decoy, 0o666)

        // The helper alone: a link is refused and its target untouched.
        let planted = root + "/planted.conf"
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: decoy)
        #expect(throws: PrivateFile.Refused.self) { try PrivateFile.write("overwritten\n", to: planted, owner: nil) }
        #expect(throws: PrivateFile.Refused.self) { try PrivateFile.append("overwritten\n", to: planted) }

        // A whole server: the data folder's settings file replaced by a link stops the start.
        let server = try LocalPostgresServer(.init(dataDirectory: root + "/data", database: "sym", durable: false, label: "symlink-test"))
        try await server.start()
        try await server.stop()
        try FileManager.default.removeItem(atPath: root + "/data/symlink-test.conf")
        try FileManager.default.createSymbolicLink(atPath: root + "/data/symlink-test.conf", withDestinationPath: decoy)
        await #expect(throws: PrivateFile.Refused.self) { try await server.start() }
        #expect(try String(contentsOfFile: decoy, encoding: .utf8) == "precious\n")
        #expect(await !server.isRunning())
        try? FileManager.default.removeItem(atPath: root)
    }
}
