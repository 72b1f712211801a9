import Foundation
import Logging
import OversightServer
import Testing

struct ServiceSettingsTests {
    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "oversight-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsServeLoopbackWithAPrivateDatabase() throws {
        let settings = try ServiceSettings.load(configFile: try file("{}"), environment: [:])
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.databaseURL == nil)
        #expect(settings.privateDataDirectory == ".oversight/postgres")
    }

    @Test func environmentOverridesFileAndFlagsOverrideBoth() throws {
        let path = try file(
            """
            server:
              port: 9000
              host: 0.0.0.0
            log:
              level: debug
            """)
        let settings = try ServiceSettings.load(
            configFile: path,
            environment: ["OVERSIGHT_PORT": "9100", "OVERSIGHT_DATABASE_URL": "postgresql://svc:s3cret@db:5432/oversight"],
            commandLine: ["server.port": "9200"]
        )
        #expect(settings.port == 9200)
        #expect(settings.host == "0.0.0.0")
        #expect(settings.logLevel == .debug)
        #expect(settings.databaseURL == "postgresql://svc:s3cret@db:5432/oversight")
    }

    @Test func invalidValuesNameTheKeyAndTheExpectedForm() throws {
        let path = try file(
            """
            server:
              port: eighty
            database:
              pool_size: 0
            log:
              format: xml
              colour: blue
            """)
        let error = #expect(throws: SettingsError.self) {
            try ServiceSettings.load(configFile: path, environment: ["OVERSIGHT_LOG_LEVEL": "loud"])
        }
        let problems = error?.problems ?? []
        #expect(problems.count == 5)
        #expect(problems.contains { $0.contains("server.port: expected an integer from 1 to 65535, got \"eighty\"") })
        #expect(problems.contains { $0.contains("database.pool_size") })
        #expect(problems.contains { $0.contains("log.format: expected text or json") })
        #expect(problems.contains { $0.contains("unknown key log.colour") })
        #expect(problems.contains { $0.contains("OVERSIGHT_LOG_LEVEL (log.level)") })
    }

    @Test func passwordsAreRefusedInTheFile() throws {
        let path = try file(
            """
            database:
              url: postgresql://svc:hunter2@db/oversight
            """)
        let error = #expect(throws: SettingsError.self) { try ServiceSettings.load(configFile: path, environment: [:]) }
        #expect(error?.problems.first?.contains("secrets come only from the environment") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func namedFileMustExist() throws {
        let error = #expect(throws: SettingsError.self) {
            try ServiceSettings.load(configFile: "/nonexistent/oversight.yaml", environment: [:])
        }
        #expect(error?.problems == ["configuration file /nonexistent/oversight.yaml does not exist"])
    }

    @Test func projectConfigFileIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/oversight.yaml").path
        let settings = try ServiceSettings.load(configFile: path, environment: [:])
        #expect(settings == ServiceSettings())
    }
}
