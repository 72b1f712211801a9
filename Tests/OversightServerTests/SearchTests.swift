import Foundation
import HTTPTypes
import OversightDomain
import OversightServer
import OversightStore
import PostgresClient
import PostgresTestSupport
import Testing

/// Search within permitted cases (issue 13): words of titles, narratives, notes and messages,
/// references and filters, over the cases the caller works; results and counts never include
/// a case they may not see; the database holds keyed tags of the words, not the words.
@Suite(.temporaryPostgres)
struct SearchTests {
    struct Results: Decodable {
        struct Item: Decodable {
            let reference: String
            let title: String
        }
        let cases: [Item]
        let total: Int
        let totalIsExact: Bool
        let nextCursor: String?
    }

    func search(_ api: CaseAPIHarness, _ query: String, token: String) async throws -> Results {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let reply = try await api.call(.get, "/v1/search?\(encoded.isEmpty ? "" : "q=" + encoded)", token: token)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(reply.headers[.contentType] == "application/json; charset=utf-8" && reply.headers[.contentLength] == String(reply.body.count))
        return try reply.decode(Results.self)
    }

    @Test func wordsOfTitlesNarrativesNotesAndMessagesFindTheCase() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let reference = try await api.call(
                .post, "/v1/cases", token: staff,
                body: ["category": "fraud", "title": "Invoices paid twice", "narrative": "The Zanzibar depot paid Ácme twice.", "region": "Europe"]
            ).decode(APIBody.Filing.self).reference
            _ = try await api.file(staff, title: "Another case entirely")
            #expect(
                try await api.call(
                    .post, "/v1/cases/\(reference)/comments", token: lead, body: ["body": "Ledger page 14 missing", "visibility": "internal"]
                )
                .status == .created)
            #expect(try await api.transition(reference, "begin_assessment", token: lead).status == .ok)
            #expect(try await api.transition(reference, "put_on_hold", token: lead, fields: ["reason": "x"]).status != .internalServerError)

            for query in ["zanzibar", "ZANZIBAR depot", "acme", "invoices", "ledger", "Ledger missing", reference, "\(reference) depot"] {
                let found = try await search(api, query, token: lead)
                #expect(found.cases.map(\.reference) == [reference] && found.total == 1, "\(query)")
            }
            #expect(try await search(api, "zanzibar ledger elephant", token: lead).total == 0, "every word must match")
            #expect(try await search(api, "case", token: lead).total == 1)
            #expect(try await search(api, "zanzibar", token: lead).totalIsExact)

            // Nothing to search for, or no office to search in.
            let empty = try await api.call(.get, "/v1/search?q=the%20a", token: lead)
            #expect(empty.status == .badRequest && empty.problemType == "/problems/invalid-search")
            #expect(try await api.call(.get, "/v1/search", token: lead).problemType == "/problems/invalid-search")
            #expect(try await api.call(.get, "/v1/search?q=zanzibar", token: staff).status == .forbidden)

            // Behind the API: no word, only tags.
            #expect(try await api.count("SELECT count(*) AS n FROM case_search WHERE tags::text ILIKE '%zanzibar%'") == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM case_search") == 2)
        }
    }

    @Test(arguments: AccessEnforcement.allCases)
    func aCaseTheCallerMayNotSeeIsNeverFoundNorCounted(_ enforcement: AccessEnforcement) async throws {
        try await CaseAPIHarness.run(enforcement: enforcement) { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let amara = try await api.token("inv-amara", "OIG:officer")
            let bruno = try await api.token("inv-bruno", "OIG:officer")
            let chen = try await api.token("eco-chen", "ECO:officer")
            let assigned = try await api.file(staff, title: "Quokka invoices")
            let unassigned = try await api.file(staff, title: "Quokka contracts")
            let naming = try await api.file(staff, title: "Quokka travel claims")
            #expect(try await api.call(.post, "/v1/cases/\(assigned)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(try await api.call(.post, "/v1/cases/\(naming)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
            #expect(
                try await api.call(.post, "/v1/cases/\(naming)/parties", token: lead, body: ["person_id": "inv-bruno", "role": "witness"]).status
                    == .created)

            // The lead sees all three; an officer of OIG (which does not share) only the cases
            // assigned to them; a witness never the case naming them; another office nothing.
            #expect(Set(try await search(api, "quokka", token: lead).cases.map(\.reference)) == [assigned, unassigned, naming])
            let forAmara = try await search(api, "quokka", token: amara)
            #expect(Set(forAmara.cases.map(\.reference)) == [assigned, naming] && forAmara.total == 2)
            let forBruno = try await search(api, "quokka", token: bruno)
            #expect(forBruno.cases.isEmpty && forBruno.total == 0 && forBruno.nextCursor == nil)
            #expect(try await search(api, "quokka", token: chen).total == 0)
            #expect(try await search(api, naming, token: bruno).total == 0, "not by its reference either")

            // Paging counts and pages only what the caller may see.
            let first = try await api.call(.get, "/v1/search?q=quokka&limit=1", token: amara).decode(Results.self)
            #expect(first.cases.count == 1 && first.total == 2)
            let cursor = try #require(first.nextCursor)
            let second = try await api.call(.get, "/v1/search?q=quokka&limit=1&cursor=\(cursor)", token: amara).decode(Results.self)
            #expect(second.cases.count == 1 && second.total == 2 && second.nextCursor == nil)
            #expect(Set(first.cases.map(\.reference) + second.cases.map(\.reference)) == [assigned, naming])
            #expect(try await api.call(.get, "/v1/search?q=quokka&cursor=forged.cursor", token: amara).problemType == "/problems/invalid-cursor")

            // Filters: a party, a state.
            let byParty = try await api.call(.get, "/v1/search?q=quokka&party=inv-bruno", token: lead).decode(Results.self)
            #expect(byParty.cases.map(\.reference) == [naming])
            #expect(try await api.call(.get, "/v1/search?q=quokka&state=closed", token: lead).decode(Results.self).total == 0)
        }
    }

    @Test func pagesThatReadTheIndexInSeveralReadsSkipWhatTheCallerMayNotSee() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            var mine: [String] = []
            for index in 0..<9 {
                let reference = try await api.file(staff, title: "Echidna \(index)")
                // Every third case is Amara's; the others she may not see.
                if index % 3 == 0 {
                    #expect(
                        try await api.call(.post, "/v1/cases/\(reference)/assignment", token: lead, body: ["assignee": "inv-amara"]).status == .ok)
                    mine.append(reference)
                }
            }
            var store = api.store
            store.searchProbeSize = 2
            let amara = Actor(id: "inv-amara", memberships: [.init(office: OfficeCode("OIG")!, role: .officer)])
            var seen: [String] = []
            var position: SearchPosition?
            for _ in 0..<4 {
                let page = try await store.search(SearchQuery("echidna"), for: amara, after: position, limit: 2)
                #expect(page.total == 3 && page.totalIsExact)
                seen += page.cases.map(\.reference)
                position = page.next
                if position == nil { break }
            }
            #expect(seen == mine.reversed(), "newest first, each of hers once, none of the others")
            let lead9 = try await store.search(
                SearchQuery("echidna"), for: Actor(id: "oig-lead", memberships: [.init(office: OfficeCode("OIG")!, role: .lead)]))
            #expect(lead9.cases.count == 9 && lead9.total == 9)
        }
    }

    @Test func casesOpenedYearsApartAreFoundNewestFirstThroughEveryWindowOfWeeks() async throws {
        try await CaseAPIHarness.run { api in
            // Apart by more than every window of weeks together (the oldest is read by the last,
            // open-ended one), by weeks (a doubled window), by a week, and by a day; today's
            // many make the word common enough to be read window by window.
            var filed: [String] = []
            for (days, word) in [(0.0, "ancient"), (3 * 365, "middling"), (7 * 20, "recent"), (8, "lastweek")]
                + Array(repeating: (1, "lately"), count: 12)
            {
                api.clock.advance(days: days)
                let staff = try await api.token("hr-fatima", "HRM:staff")
                filed.append(try await api.file(staff, title: "Quokka \(word)"))
            }
            let lead = Actor(id: "oig-lead", memberships: [.init(office: OfficeCode("OIG")!, role: .lead)])
            for probeSize in [250, 1] {
                var store = api.store
                store.searchProbeSize = probeSize
                var seen: [String] = []
                var position: SearchPosition?
                for _ in 0..<8 {
                    let page = try await store.search(SearchQuery("quokka"), for: lead, after: position, limit: 3)
                    #expect(page.total == 16 && page.totalIsExact)
                    seen += page.cases.map(\.reference)
                    position = page.next
                    if position == nil { break }
                }
                #expect(seen == filed.reversed(), "probe size \(probeSize)")
                #expect(try await store.search(SearchQuery("ancient"), for: lead).cases.map(\.reference) == [filed[0]])
                #expect(try await store.search(SearchQuery("quokka middling"), for: lead).cases.map(\.reference) == [filed[1]])
            }
        }
    }

    @Test func aPurgedCaseIsNoLongerFoundAndAMovedOneIsFoundWhereItWent() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            let lead = try await api.token("oig-lead", "OIG:lead")
            let head = try await api.token("ig", "OIG:head")
            let purged = try await api.file(staff, title: "Wombat leases")
            #expect(try await api.transition(purged, "begin_assessment", token: lead).status == .ok)
            #expect(try await api.transition(purged, "close_no_action", token: head, note: "no grounds").status == .ok)
            #expect(try await search(api, "wombat", token: lead).total == 1)
            #expect(try await api.store.purgeExpired(at: api.clock.now().addingTimeInterval(4 * 365 * 86_400)) == 1)
            #expect(try await search(api, "wombat", token: lead).total == 0)
            #expect(try await api.count("SELECT count(*) AS n FROM case_search") == 0)

            // Naming the OIG head moves a case away from OIG: found at its new office only.
            let moved = try await api.file(staff, title: "Platypus procurement")
            #expect(
                try await api.call(.post, "/v1/cases/\(moved)/parties", token: lead, body: ["person_id": "ig", "role": "subject"]).status == .created)
            let office = try #require(try await api.office(of: moved))
            #expect(office != "OIG")
            #expect(try await search(api, "platypus", token: lead).total == 0)
            let there = try await api.token("head-there", "\(office):head")
            #expect(try await search(api, "platypus", token: there).cases.map(\.reference) == [moved])
        }
    }
}
