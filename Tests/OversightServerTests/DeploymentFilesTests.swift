import Foundation
import OversightServer
import Testing
import Yams

/// No Docker engine runs here, so the compose file is checked for what can be checked: it
/// parses, and it sets only variables the service reads.
struct DeploymentFilesTests {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func composeFileSetsOnlyVariablesTheServiceReads() throws {
        let text = try String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        let database = try #require(services["db"] as? [String: Any])
        #expect((database["image"] as? String)?.hasPrefix("postgres:15") == true)
        #expect(database["healthcheck"] != nil)
        let service = try #require(services["oversight"] as? [String: Any])
        let environment = try #require(service["environment"] as? [String: Any])
        let known = Set(ServiceSettings.environmentVariables)
        #expect(!environment.isEmpty)
        for name in environment.keys {
            #expect(known.contains(name), "docker-compose.yml sets \(name), which the service does not read")
        }
        #expect(environment["OVERSIGHT_DATABASE_URL"] != nil)
        // Two logins: the service runs as the application login, migrates as the owner, and is
        // never given the superuser.
        #expect((environment["OVERSIGHT_DATABASE_URL"] as? String)?.hasPrefix("postgresql://oversight_service:") == true)
        #expect((environment["OVERSIGHT_DATABASE_OWNER_URL"] as? String)?.hasPrefix("postgresql://oversight_owner:") == true)
        let volumes = try #require(database["volumes"] as? [String])
        #expect(volumes.contains { $0.hasPrefix("./deploy/postgres-init-logins.sh:/docker-entrypoint-initdb.d/") })
        let script = try String(contentsOf: root.appendingPathComponent("deploy/postgres-init-logins.sh"), encoding: .utf8)
        for role in ["oversight_owner", "oversight_service"] {
            #expect(script.contains("CREATE ROLE \(role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"))
        }
    }

    @Test func composeEnvironmentIsAcceptedBySettings() throws {
        let settings = try ServiceSettings.load(
            configFile: root.appendingPathComponent("Config/oversight.yaml").path,
            environment: [
                "OVERSIGHT_DATABASE_URL": "postgresql://oversight:secret@db:5432/oversight",
                "OVERSIGHT_HOST": "0.0.0.0", "OVERSIGHT_PORT": "8080", "OVERSIGHT_DB_POOL_SIZE": "8",
                "OVERSIGHT_MIGRATE_ON_START": "true", "OVERSIGHT_LOG_LEVEL": "info", "OVERSIGHT_LOG_FORMAT": "json",
            ])
        #expect(settings.host == "0.0.0.0")
        #expect(settings.logFormat == .json)
    }

    @Test func dockerfileBuildsWithSwift6AndRunsSlimWithLibpq() throws {
        let text = try String(contentsOf: root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(text.contains("FROM swift:6"))
        #expect(text.contains("libpq5"))
        #expect(text.contains("-slim"))
    }
}
