import Foundation
import HTTPTypes
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import PostgresLocalServer
import PostgresTestSupport
import Testing

/// Encryption at rest (issue 13): what tells a story or names the reporter is in no dump of
/// the database; a ciphertext moved to another row or column does not open; the key ring
/// rotates online; and a backup taken before a purge cannot give back the purged case.
@Suite(.temporaryPostgres)
struct EncryptionAtRestTests {
    /// PostgreSQL's own tool (pg_dump, pg_restore) on the suite's server, as its superuser,
    /// run off the test's thread; returns what it wrote to standard output.
    static func tool(_ name: String, _ arguments: [String]) async throws -> String {
        let server = try suitePostgres().server
        let output = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let command =
            [
                server.binDirectory + "/" + name, "-h", server.socketDirectory, "-p", String(LocalPostgresServer.port), "-U",
                LocalPostgresServer.superuser,
            ]
            + arguments
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ProcessSpawner.run(command, outputFile: output) })
            }
        }
    }

    static let canaries = [
        "canary-filer-8841", "CANARY-TITLE-5521", "CANARY-NARRATIVE-5522", "CANARY-ANSWER-5523", "CANARY-NOTE-5524",
        "CANARY-COMMENT-5525", "CANARY-MESSAGE-5526", "CANARY-NAME-5527", "CANARY-FILE-5528", "CANARY-SUMMARY-5529",
        "CANARY-RESPONSE-5530",
    ]

    @Test func aDumpOfTheDatabaseHoldsNoneOfWhatWasFiledOrWritten() async throws {
        try await CaseAPIHarness.run { api in
            let filer = try await api.token("canary-filer-8841", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let investigator = try await api.token("inv-amara", "OIG:officer")
            let subject = try await api.token("fin-gus", "FIN:staff")
            let threat = try await api.call(
                .post, "/v1/cases", token: filer,
                body: [
                    "category": "threat_to_safety", "title": "Threat at the depot", "narrative": "n", "region": "Europe",
                    "answers": ["immediate_danger": true, "where_now": "CANARY-ANSWER-5523"],
                ], headers: [HTTPField.Name("Idempotency-Key")!: "canary-1"])
            #expect(threat.status == .created)
            let filed = try await api.call(
                .post, "/v1/cases", token: filer,
                body: [
                    "category": "fraud", "title": "CANARY-TITLE-5521", "narrative": "CANARY-NARRATIVE-5522", "region": "Europe",
                    "subjects": ["fin-gus"],
                ])
            let reference = try filed.decode(APIBody.Filing.self).reference
            #expect(try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            for (token, step, note) in [
                (lead, "begin_assessment", nil), (lead, "open_investigation", "CANARY-NOTE-5524"), (investigator, "begin_evidence_collection", nil),
                (investigator, "record_subject_interview", "interviewed"), (investigator, "draft_findings", nil),
            ] as [(String, String, String?)] {
                try #require(try await api.transition(reference, step, token: token, note: note).status == .ok, "\(step)")
            }
            #expect(
                try await api.transition(reference, "notify_subject", token: investigator, fields: ["allegations_summary": "CANARY-SUMMARY-5529"])
                    .status == .ok)
            #expect(
                try await api.call(.post, "/v1/cases/\(reference)/subject-response", token: subject, body: ["comments": "CANARY-RESPONSE-5530"])
                    .status == .created)
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(reference)/comments", token: investigator, body: ["body": "CANARY-COMMENT-5525", "visibility": "internal"]
                ).status == .created)
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(reference)/comments", token: filer, body: ["body": "CANARY-MESSAGE-5526", "visibility": "reporter"]
                ).status == .created)
            let file = Array("CANARY-FILE-5528: the ledger pages, typed out.\n".utf8)
            #expect(
                try await api.upload(
                    "/v1/cases/\(reference)/attachments?name=CANARY-NAME-5527.txt", token: lead, bytes: file, contentType: "text/plain"
                )
                .status == .created)

            // Through the API, everything reads back for those who may read it.
            let view = try await api.call(.get, "/v1/cases/\(reference)", token: lead)
            #expect(String(decoding: view.body, as: UTF8.self).contains("CANARY-NARRATIVE-5522"))
            let summary = try await api.call(.get, "/v1/cases/\(reference)/subject-view", token: subject)
            #expect(String(decoding: summary.body, as: UTF8.self).contains("CANARY-SUMMARY-5529"))
            let thread = try await api.call(.get, "/v1/cases/\(reference)/comments", token: lead)
            for canary in ["CANARY-COMMENT-5525", "CANARY-MESSAGE-5526", "CANARY-RESPONSE-5530"] {
                #expect(String(decoding: thread.body, as: UTF8.self).contains(canary))
            }
            #expect(try await api.sealedFiler(reference) == "canary-filer-8841")
            #expect(try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify().breaks.isEmpty)

            // The dump holds the cases (their references), and none of the words or the filer.
            let dump = try await Self.tool("pg_dump", ["-d", api.database, "--no-owner"])
            #expect(dump.contains(reference) && dump.count > 50_000, "the dump reads the cases")
            // (bytea columns are dumped in hex: a plain value would show as its hex.)
            for canary in Self.canaries {
                #expect(!dump.contains(canary), "the dump holds \(canary)")
                #expect(!dump.contains(Hex.encode(Data(canary.utf8))), "the dump holds \(canary), in hex")
            }
        }
    }

    @Test func aCiphertextMovedToAnotherRowOrColumnDoesNotOpen() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let first = try await api.file(staff, title: "First case")
            let second = try await api.file(staff, title: "Second case")
            #expect(try await api.call(.get, "/v1/cases/\(first)", token: lead).status == .ok)

            // The title of one case put on the other: refused, not shown as the other's.
            _ = try await api.adminPool.query(
                """
                UPDATE cases SET title = (SELECT title FROM cases WHERE reference = \(second)) WHERE reference = \(first)
                """)
            let moved = try await api.call(.get, "/v1/cases/\(first)", token: lead)
            #expect(moved.status == .internalServerError)
            #expect(!String(decoding: moved.body, as: UTF8.self).contains("Second case"))
            await #expect(throws: SealRefused.self) {
                try await api.store.find(first, for: Actor(id: "oig-lead", memberships: [.init(office: OfficeCode("OIG")!, role: .lead)]))
            }

            // The title put in the narrative of its own case: refused too.
            _ = try await api.adminPool.query("UPDATE cases SET narrative = title WHERE reference = \(second)")
            #expect(try await api.call(.get, "/v1/cases/\(second)", token: lead).status == .internalServerError)

            // A wrapped data key moved to another case does not unwrap.
            let third = try await api.file(staff, title: "Third case")
            _ = try await api.adminPool.query(
                """
                UPDATE case_keys SET key = (SELECT k.key FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.reference = \(first))
                WHERE case_id = (SELECT id FROM cases WHERE reference = \(third))
                """)
            #expect(try await api.call(.get, "/v1/cases/\(third)", token: lead).status == .internalServerError)

            // verify-audit names each case and, where it can, the column.
            let report = try await AuditVerifier(pool: api.store.pool, keys: api.store.keyRing).verify()
            let broken = Dictionary(report.breaks.map { ($0.reference, $0.field) }, uniquingKeysWith: { first, _ in first })
            #expect(broken.count == 3)
            #expect(broken[first] == "title" && broken[second] == "narrative")
            #expect(broken.keys.contains(third))
        }
    }

    @Test func rotationRewrapsEveryDataKeyAndSealsWhatWasWrittenBeforeEncryption() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let references = [
                try await api.file(staff, title: "Alpha"), try await api.file(staff, title: "Beta"), try await api.file(staff, title: "Gamma"),
            ]
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(references[0])/comments", token: lead, body: ["body": "Note on alpha", "visibility": "internal"]
                )
                .status == .created)

            // Make the first case what a database older than encryption holds: its data key bare,
            // its title, narrative, note and filer in plain, the filer's id in filed_by.
            let legacy = references[0]
            let row = try await api.adminPool.query(
                "SELECT c.id, k.key FROM cases c JOIN case_keys k ON k.case_id = c.id WHERE c.reference = \(legacy)")[0]
            let id: UUID = try row.decode("id")
            let bare = try api.store.keyRing.unwrap(try row.decode("key", as: Data.self), for: id).key.data
            _ = try await api.adminPool.query(
                """
                UPDATE cases SET title = convert_to('Alpha', 'UTF8'), narrative = convert_to('What happened, in the filer''s words.', 'UTF8'),
                    filer = convert_to('hr-fatima', 'UTF8'), filed_by = 'hr-fatima'
                WHERE id = \(id)
                """)
            _ = try await api.adminPool.query("UPDATE comments SET body = convert_to('Note on alpha', 'UTF8') WHERE case_id = \(id)")
            _ = try await api.adminPool.query("UPDATE case_keys SET key = \(bare), key_id = NULL WHERE case_id = \(id)")
            // Still read as it is, by the office and by its filer.
            let plain = try await api.call(.get, "/v1/cases/\(legacy)", token: lead)
            #expect(try plain.decode(APIBody.Case.self).title == "Alpha")
            #expect(try await api.call(.get, "/v1/cases/\(legacy)", token: staff).status == .ok)

            let ring = api.store.keyRing
            let before = try await KeyRotation(pool: api.store.pool, keys: ring).status()
            #expect(before.contains(KeyRotation.KeyUse(wrappedWith: "unwrapped", cases: 1)))

            // A ring with a second key: every data key moves to it, one per transaction.
            let rotated = try KeyRing(text: CaseAPIHarness.keyRing + KeyRing.newKeyLine(id: "k2"))
            let rotation = KeyRotation(pool: api.store.pool, keys: rotated)
            let progress = try await rotation.rotate(batch: 1)
            #expect(progress.rewrapped == 3 && progress.sealed == 1 && progress.skipped == 0)
            #expect(try await rotation.status() == [KeyRotation.KeyUse(wrappedWith: "k2", cases: 3)])
            #expect(try await rotation.rotate().rewrapped == 0, "nothing left: a second run resumes, and finds nothing")

            // The legacy case is sealed now: nothing of it in clear, the filer a tag.
            let stored = try await api.adminPool.query(
                "SELECT position(convert_to('Alpha', 'UTF8') in title) AS at, filed_by FROM cases WHERE id = \(id)")[0]
            #expect(try stored.decode("at", as: Int.self) == 0)
            #expect(try stored.decode("filed_by", as: String.self) == ring.filerTag("hr-fatima"))
            #expect(try await api.count("SELECT count(*) AS n FROM comments WHERE position(convert_to('alpha', 'UTF8') in body) > 0") == 0)

            // A service whose ring lacks the new key cannot read them; one that has it reads all,
            // and the history still verifies.
            #expect(try await api.call(.get, "/v1/cases/\(references[1])", token: lead).status == .internalServerError)
            let store = CaseStore(pool: api.store.pool, configuration: api.store.configuration, catalog: api.store.catalog, keyRing: rotated)
            let leadActor = Actor(id: "oig-lead", memberships: [.init(office: OfficeCode("OIG")!, role: .lead)])
            #expect(try await store.find(legacy, for: leadActor).record.title == "Alpha")
            #expect(try await store.comments(legacy, for: leadActor).items.map(\.body) == ["Note on alpha"])
            let fatima = Actor(id: "hr-fatima", memberships: [.init(office: OfficeCode("HRM")!, role: .staff)])
            #expect(Set(try await store.filings(of: fatima).map(\.reference)) == Set(references))
            #expect(try await AuditVerifier(pool: api.store.pool, keys: rotated).verify().breaks.isEmpty)
        }
    }

    @Test func aBackupTakenBeforeAPurgeCannotGiveBackThePurgedCase() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let purged = try await api.file(staff, title: "CANARY-PURGED-7001")
            let kept = try await api.file(staff, title: "Kept case")
            #expect(try await api.transition(purged, "begin_assessment", token: lead).status == .ok)
            #expect(try await api.transition(purged, "close_no_action", token: head, note: "no grounds").status == .ok)

            // The backup SECURITY.md describes: the content without the data keys, which are
            // kept apart (the live table, and key backups kept no longer than the purge delay).
            let backup = NSTemporaryDirectory() + "backup-\(UUID().uuidString.prefix(8)).dump"
            defer { try? FileManager.default.removeItem(atPath: backup) }
            _ = try await Self.tool("pg_dump", ["-d", api.database, "-Fc", "--exclude-table-data=case_keys", "-f", backup])

            let later = api.clock.now().addingTimeInterval(4 * 365 * 86_400)
            #expect(try await api.store.purgeExpired(at: later) == 1)

            // Restored into a new database with the data keys as they are now: the kept case
            // reads, the purged one does not.
            let restored = try await suitePostgres().makeDatabaseNamed("restored")
            _ = try await Self.tool("pg_restore", ["-d", restored, "--no-owner", backup])
            let restoredPool = PostgresPool(.init(options: api.options.database(restored), maxConnections: 2))
            do {
                let keys = try await api.adminPool.query("SELECT case_id, key, destroyed_at, key_id FROM case_keys")
                for key in keys {
                    _ = try await restoredPool.query(
                        """
                        INSERT INTO case_keys (case_id, key, destroyed_at, key_id)
                        VALUES (\(try key.decode("case_id", as: UUID.self)), \(try key.decode("key", as: Data?.self)),
                                \(try key.decode("destroyed_at", as: Date?.self)), \(try key.decode("key_id", as: String?.self)))
                        """)
                }
                let store = CaseStore(
                    pool: restoredPool, configuration: api.store.configuration, catalog: api.store.catalog, keyRing: api.store.keyRing)
                // Read as the superuser (past row security): what someone holding the backup and
                // the key ring could do.
                let rows = try await restoredPool.query(
                    "SELECT c.reference, c.title, coalesce(k.key, '\\x'::bytea) AS key, c.id FROM cases c JOIN case_keys k ON k.case_id = c.id")
                var titles: [String: String] = [:]
                for row in rows {
                    let id: UUID = try row.decode("id")
                    let seal = try store.keyRing.seal(try row.decode("key", as: Data.self), for: id)
                    titles[try row.decode("reference")] = try? seal.openText(try row.decode("title"), at: SealedPlace("cases", "title", row: id))
                }
                #expect(titles[kept] == "Kept case")
                // The backup's row of the purged case is ciphertext whose key is gone.
                let backupTitle = try await restoredPool.query("SELECT title FROM cases WHERE reference = \(purged)")[0].decode(
                    "title", as: Data.self)
                #expect(backupTitle.count > 28 && !String(decoding: backupTitle, as: UTF8.self).contains("CANARY-PURGED"))
                #expect(titles[purged] != "CANARY-PURGED-7001")
                #expect(
                    try await restoredPool.query("SELECT key FROM case_keys k JOIN cases c ON c.id = k.case_id WHERE c.reference = \(purged)")[0]
                        .decode("key", as: Data?.self) == nil)
            } catch {
                await restoredPool.close()
                throw error
            }
            await restoredPool.close()
        }
    }
}
