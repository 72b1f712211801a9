import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import PostgresLocalServer
import PostgresTestSupport
import Testing

/// Reports read from a streaming replica (`OVERSIGHT_REPORT_DATABASE_URL`): a standby of the
/// suite's PostgreSQL made with pg_basebackup, on its own socket.
@Suite(.temporaryPostgres)
struct ReportReplicaTests {
    @Test func reportsAreReadFromAStreamingReplica() async throws {
        try await CaseAPIHarness.run { api in
            let postgres = try suitePostgres()
            let root = (postgres.dataDirectory as NSString).deletingLastPathComponent
            let standby = try await postgres.server.makeStandby(dataDirectory: root + "/standby", label: "standby")
            do {
                try await standby.start()
            } catch {
                Issue.record("the standby did not start: \((try? String(contentsOfFile: root + "/standby/postgres.log", encoding: .utf8)) ?? "")")
                throw error
            }
            do {
                let url = try #require(api.settings.databaseURL)
                let database = try #require(url.components(separatedBy: "@/").last?.components(separatedBy: "?").first)
                let socket = standby.socketDirectory.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? standby.socketDirectory
                var settings = api.settings
                settings.reportDatabaseURL = "postgresql://\(DatabaseRoles.application)@/\(database)?host=\(socket)&port=\(LocalPostgresServer.port)"
                let service = try await OversightService.build(
                    settings: settings, logger: Logger(label: "test.report-replica"), overrides: .init(clock: { [clock = api.clock] in clock.now() }))
                let replicaSuperuser = PostgresPool(.init(options: standby.connectionOptions.database(database), maxConnections: 1))
                do {
                    #expect(try await replicaSuperuser.query("SELECT pg_is_in_recovery() AS standby")[0].decode("standby", as: Bool.self))
                    let staff = try await api.token("hr-fatima", "HRM:staff")
                    let lead = try await api.token("oig-lead", "OIG:lead")
                    try await Application(router: service.router).test(.router) { replica in
                        func received() async throws -> Int? {
                            try await replica.execute(uri: "/v1/reports/caseload", method: .get, headers: [.authorization: "Bearer \(lead)"]) {
                                try APIBody.decoder.decode(ReportDocument.self, from: Data($0.body.readableBytesView)).tables[0].total?.cells[0].count
                            }
                        }
                        /// Reads until the replica shows `expected` (it replays the WAL within
                        /// moments); bounded.
                        func awaitReceived(_ expected: Int) async throws -> Int? {
                            let deadline = ContinuousClock.now + .seconds(30)
                            var seen = try await received()
                            while seen != expected, ContinuousClock.now < deadline { seen = try await received() }
                            return seen
                        }
                        _ = try await api.file(staff, title: "Filed on the primary")
                        #expect(try await awaitReceived(1) == 1)

                        // With replay paused, the replica (and so the report) stays behind the primary.
                        try await replicaSuperuser.query("SELECT pg_wal_replay_pause()")
                        _ = try await api.file(staff, title: "Filed while the replica waits")
                        #expect(try await received() == 1)
                        let primary = try await api.call(.get, "/v1/reports/caseload", token: lead).decode(ReportDocument.self)
                        #expect(primary.tables[0].total?.cells[0].count == 2)
                        try await replicaSuperuser.query("SELECT pg_wal_replay_resume()")
                        #expect(try await awaitReceived(2) == 2)
                    }
                } catch {
                    await replicaSuperuser.close()
                    await service.shutdown()
                    throw error
                }
                await replicaSuperuser.close()
                await service.shutdown()
            } catch {
                try? await standby.stop()
                throw error
            }
            try await standby.stop()
        }
    }
}
