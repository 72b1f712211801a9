import Dispatch
import Foundation
import HTTPTypes
import OversightDomain
import PostgresLocalServer
import PostgresTestSupport
import Testing

/// Each report's page, opened in headless Chromium: it renders, its charts are there with a
/// size, and a screenshot is kept (.build/report-screenshots/) for a person to look at.
@Suite(.temporaryPostgres)
struct ReportPageTests {
    static let chromium = "/usr/bin/chromium"
    static let screenshots = packageRoot.appendingPathComponent(".build/report-screenshots").path

    /// Runs Chromium headless to completion (posix_spawn, output to a file) off the test's thread.
    static func chromium(_ arguments: [String], output: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try ProcessSpawner.run(
                            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"] + arguments,
                            outputFile: output)
                    })
            }
        }
    }

    @Test func everyReportPageRendersWithItsCharts() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.chromium), "headless Chromium is missing: scripts/install-deps installs it")
        try await CaseAPIHarness.run { api in
            let staff = try await api.token("hr-fatima", "HRM:staff")
            for (index, category) in ["fraud", "fraud", "theft", "harassment", "retaliation", "workplace_concern", "ethics_question"].enumerated() {
                for copy in 0..<(index % 3 + 5) {
                    _ = try await api.file(staff, category: category, title: "\(category) \(copy)", region: ["Europe", "Asia", "Africa"][copy % 3])
                }
            }
            let reader = try await api.token("rr", "COS:report_reader")
            let folder = NSTemporaryDirectory() + "report-pages-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            for report in ReportName.allCases {
                let reply = try await api.call(.get, "/v1/reports/\(report.rawValue)?format=html", token: reader)
                #expect(reply.status == .ok)
                let page = String(decoding: reply.body, as: UTF8.self)
                let charted = try APIBody.decoder.decode(
                    ReportDocument.self, from: try await api.call(.get, "/v1/reports/\(report.rawValue)", token: reader).body
                ).tables.filter { $0.chart != nil && $0.rows.contains { $0.level == 0 } }.count
                let file = "\(folder)/\(report.rawValue).html"
                try page.write(toFile: file, atomically: true, encoding: .utf8)
                // A copy that measures itself: the report has no script; this one appends one.
                let measuring = page.replacingOccurrences(
                    of: "</body>",
                    with: """
                        <pre id="measured"></pre><script>document.getElementById('measured').textContent = Array.from(\
                        document.querySelectorAll('svg.chart')).map(s => { const r = s.getBoundingClientRect(); \
                        return Math.round(r.width) + 'x' + Math.round(r.height) + ':' + s.querySelectorAll('rect,polyline').length; }).join(' ');</script></body>
                        """)
                try measuring.write(toFile: "\(folder)/\(report.rawValue)-measure.html", atomically: true, encoding: .utf8)
                let dom = try await Self.chromium(
                    [
                        "--user-data-dir=\(folder)/profile", "--virtual-time-budget=3000", "--dump-dom",
                        "file://\(folder)/\(report.rawValue)-measure.html",
                    ],
                    output: "\(folder)/dom.txt")
                let measured = dom.components(separatedBy: "<pre id=\"measured\">").dropFirst().first?.components(separatedBy: "</pre>").first ?? ""
                let charts = measured.split(separator: " ").map(String.init)
                #expect(charts.count == charted, "\(report): \(charts.count) charts drawn, \(charted) expected")
                for chart in charts {
                    let parts = chart.split(whereSeparator: { $0 == "x" || $0 == ":" }).compactMap { Int($0) }
                    #expect(parts.count == 3 && parts[0] > 0 && parts[1] > 0 && parts[2] > 0, "\(report): chart \(chart)")
                }
                let shot = "\(Self.screenshots)/\(report.rawValue).png"
                _ = try await Self.chromium(
                    ["--user-data-dir=\(folder)/profile", "--window-size=1100,1600", "--screenshot=\(shot)", "file://\(file)"],
                    output: "\(folder)/shot.txt")
                let size = (try FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(report): screenshot of \(size) bytes")
            }
        }
    }
}
