import Foundation
import HTTPTypes
import OversightDomain
import PostgresTestSupport
import Testing

/// Who reads which report, in which form, and what a reader outside the office is shown.
@Suite(.temporaryPostgres)
struct ReportAPITests {
    @Test func eachReaderGetsTheReportsTheirRoleAllows() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            for index in 0..<7 { _ = try await api.file(staff, category: "fraud", title: "Fraud \(index)", region: "Europe") }
            for index in 0..<2 { _ = try await api.file(staff, category: "sexual_harassment", title: "SH \(index)", region: "Asia") }
            // Naming the Inspector General: the case goes to the alternate, sealed from OIG.
            _ = try await api.file(staff, category: "fraud", title: "About the IG", subjects: ["ig"], region: "Africa")

            // Staff read no reports.
            let refused = try await api.call(.get, "/v1/reports/caseload", token: staff)
            #expect(refused.status == .forbidden)
            #expect(refused.problemType == "/problems/forbidden")

            // The office reads itself in full.
            let lead = try await api.token("oig-lead", "OIG:lead")
            let own = try await api.call(.get, "/v1/reports/caseload", token: lead).decode(ReportDocument.self)
            #expect(own.audience == "office OIG")
            #expect(own.suppression == nil)
            #expect(own.tables[0].total?.cells[0].count == 9)

            // An executive reads every office's aggregates, small cells withheld, sealed cases
            // (the one at the alternate) not counted.
            let executive = try await api.token("dg", "ODG:executive")
            let aggregate = try await api.call(.get, "/v1/reports/caseload", token: executive).decode(ReportDocument.self)
            #expect(aggregate.audience == "organization")
            #expect(aggregate.suppression?.smallCellMark == "<5")
            let byOffice = try #require(aggregate.tables.first { $0.id == "by_office" })
            #expect(!byOffice.rows.contains { $0.label == "AOAC" })
            let oig = try #require(byOffice.rows.first { $0.label == "OIG" })
            #expect(oig.cells[0].display == "9")
            #expect(byOffice.rows.first { $0.label == "Sexual harassment" }?.cells[0].display == "<5")
            // The alternate's own head counts the sealed case.
            let chair = try await api.token("aoac-chair", "AOAC:head")
            let alternate = try await api.call(.get, "/v1/reports/caseload", token: chair).decode(ReportDocument.self)
            #expect(alternate.tables[0].total?.cells[0].count == 1)

            // The Gender Coordination Unit reads the SEA and sexual-harassment aggregates only.
            let gender = try await api.token("gcu-lena", "GCU:staff")
            let genderView = try await api.call(.get, "/v1/reports/caseload", token: gender).decode(ReportDocument.self)
            #expect(genderView.audience == "gender coordination")
            #expect(genderView.tables[0].total?.cells[0].display == "<5")
            #expect(!genderView.tables[0].rows.contains { $0.label == "Fraud" })
            #expect(try await api.call(.get, "/v1/reports/timeliness", token: gender).status == .forbidden)

            // Ombuds statistics are the Ombudsperson's office's, and aggregates outside it.
            #expect(try await api.call(.get, "/v1/reports/ombuds", token: lead).status == .forbidden)

            // The index lists what the reader may read.
            let index = try await api.call(.get, "/v1/reports", token: gender)
            let names = try #require(try JSONSerialization.jsonObject(with: index.body) as? [String: Any])["reports"] as? [[String: Any]]
            #expect(names?.compactMap { $0["name"] as? String } == ["caseload", "outcomes"])
        }
    }

    @Test func threeFormsAndClearRefusals() async throws {
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            _ = try await api.file(staff)
            let reader = try await api.token("rr", "COS:report_reader")

            let csv = try await api.call(.get, "/v1/reports/caseload?format=csv", token: reader)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let text = String(decoding: csv.body, as: UTF8.self)
            #expect(text.hasPrefix("report,period_from,period_to,as_of,table,row,row_level,column,value\r\n"))
            #expect(text.contains(",by_office,OIG,0,received,<5\r\n"))

            let html = try await api.call(.get, "/v1/reports/caseload", token: reader, headers: [.accept: "text/html"])
            #expect(html.headers[.contentType] == "text/html; charset=utf-8")
            let page = String(decoding: html.body, as: UTF8.self)
            #expect(page.contains("<title>Caseload, "))
            #expect(page.contains("<svg") && page.contains("role=\"img\"") && page.contains("<desc"))
            #expect(page.contains("<th scope=\"col\">") && page.contains("@media print"))
            #expect(!page.contains("<script"))

            let indexPage = try await api.call(.get, "/v1/reports?format=html", token: reader)
            #expect(String(decoding: indexPage.body, as: UTF8.self).contains("href=\"/v1/reports/indicators?format=html\""))

            for (query, status, type) in [
                ("/v1/reports/nothing", HTTPResponse.Status.notFound, "/problems/unknown-report"),
                ("/v1/reports/caseload?from=2026-13", .badRequest, "/problems/invalid-report-period"),
                ("/v1/reports/caseload?from=2026-06&to=2026-01", .badRequest, "/problems/invalid-report-period"),
                ("/v1/reports/ombuds?office=OIG", .badRequest, "/problems/invalid-report-filter"),
                ("/v1/reports/caseload?office=NOPE", .badRequest, "/problems/invalid-report-filter"),
                ("/v1/reports/caseload?region=Atlantis", .badRequest, "/problems/invalid-report-filter"),
                ("/v1/reports/caseload?format=xml", .badRequest, "/problems/bad-request"),
            ] {
                let reply = try await api.call(.get, query, token: reader)
                #expect(reply.status == status, "\(query)")
                #expect(reply.problemType == type, "\(query)")
            }
            #expect(try await api.call(.get, "/v1/reports/caseload", token: nil).status == .unauthorized)
        }
    }
}
