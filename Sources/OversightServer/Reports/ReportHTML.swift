import Foundation
import OversightDomain

/// A report as a page a person reads and prints: the title, period, audience and filters,
/// each table with its chart (inline SVG, no script), the notes, and a print stylesheet.
enum ReportHTML {
    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.4}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
        .meta{color:#444;margin:.2rem 0}.meta dt{font-weight:600;display:inline}.meta dd{display:inline;margin:0 1rem 0 .3rem}
        table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem;min-width:24rem}
        caption{text-align:left;font-weight:600;padding:.3rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem}
        thead th{background:#eef2f6;text-align:center}td{text-align:right;font-variant-numeric:tabular-nums}
        th[scope=row]{text-align:left;font-weight:normal}tr.level-1 th{padding-left:1.5rem}tr.level-2 th{padding-left:3rem;color:#333}
        tr.level-0 th{font-weight:600}tfoot th,tfoot td{font-weight:700;background:#f6f6f6}
        td.withheld{color:#8a1c1c;font-style:italic}td.empty{text-align:left;color:#555}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#444}
        svg.chart text{font-size:11px;fill:#222}svg.chart .axis{stroke:#888}svg.chart .legend{font-size:12px}
        .notes{font-size:.85rem;color:#333}nav a{margin-right:1rem}
        @media print{body{margin:0;max-width:none;font-size:10pt}nav{display:none}h2{break-after:avoid}table,figure{break-inside:avoid}
        thead th,tfoot td,tfoot th{background:none}a{color:inherit;text-decoration:none}}
        """

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title><style>\(style)</style></head>
        <body>\(body)</body></html>

        """
    }

    static func render(_ document: ReportDocument) -> String {
        var body = "<nav><a href=\"/v1/reports?format=html\">All reports</a></nav>"
        body += "<header><h1>\(HTMLText.escape(document.title))</h1><p>\(HTMLText.escape(document.summary))</p><dl class=\"meta\">"
        body += "<dt>Period</dt><dd>\(document.period.from) to \(document.period.to)</dd><dt>As of</dt><dd>\(document.asOf)</dd>"
        body += "<dt>Prepared for</dt><dd>\(HTMLText.escape(document.audience))</dd>"
        for (name, value) in document.filters.sorted(by: { $0.key < $1.key }) {
            body += "<dt>\(HTMLText.escape(name.replacingOccurrences(of: "_", with: " ")))</dt><dd>\(HTMLText.escape(value))</dd>"
        }
        body += "</dl>"
        if let suppression = document.suppression {
            body +=
                "<p class=\"meta\">Counts from 1 to \(suppression.threshold - 1) show as “\(HTMLText.escape(suppression.smallCellMark))”; "
                + "cells that would let one be worked out show as “\(suppression.complementaryMark)”.</p>"
        }
        body += "</header><main>"
        for (index, table) in document.tables.enumerated() {
            body += "<section><h2 id=\"\(table.id)\">\(HTMLText.escape(table.title))</h2>"
            if let chart = table.chart, let svg = ReportChartSVG.render(table, chart: chart, id: "chart-\(index)") {
                body += "<figure>\(svg)<figcaption>\(HTMLText.escape(chart.description)). The table below gives the numbers.</figcaption></figure>"
            }
            body += tableHTML(table)
            body += "</section>"
        }
        if !document.notes.isEmpty {
            body +=
                "<section class=\"notes\"><h2>Notes</h2><ul>" + document.notes.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul></section>"
        }
        body += "</main>"
        return page(title: "\(document.title), \(document.period.from) to \(document.period.to)", body: body)
    }

    static func tableHTML(_ table: ReportTable) -> String {
        var html = "<table><caption>\(HTMLText.escape(table.title))</caption><thead><tr><th scope=\"col\">\(HTMLText.escape(table.rowHeading))</th>"
        html += table.columns.map { "<th scope=\"col\">\(HTMLText.escape($0.title))</th>" }.joined() + "</tr></thead><tbody>"
        func row(_ row: ReportRow) -> String {
            "<tr class=\"level-\(min(row.level, 2))\"><th scope=\"row\">\(HTMLText.escape(row.label))</th>"
                + row.cells.map { cell in
                    cell.suppressed == nil
                        ? "<td>\(HTMLText.escape(cell.display))</td>"
                        : "<td class=\"withheld\" title=\"withheld\">\(HTMLText.escape(cell.display))</td>"
                }.joined() + "</tr>"
        }
        html += table.rows.map(row).joined()
        if table.rows.isEmpty { html += "<tr><td colspan=\"\(table.columns.count + 1)\" class=\"empty\">No cases in this period.</td></tr>" }
        html += "</tbody>"
        if let total = table.total { html += "<tfoot>" + row(total) + "</tfoot>" }
        return html + "</table>"
    }

    /// The index: the reports this reader may read, with their forms.
    static func index(_ reports: [ReportName], audience: ReportAudience) -> String {
        var body = "<header><h1>Oversight reports</h1><p class=\"meta\">Prepared for \(HTMLText.escape(audience.description)). "
        body +=
            "Each report takes a period (<code>from</code>, <code>to</code>: YYYY-MM) and is available as HTML, JSON and CSV.</p></header><main><ul>"
        for report in reports {
            let base = "/v1/reports/\(report.rawValue)"
            body += "<li><a href=\"\(base)?format=html\">\(HTMLText.escape(report.title))</a> — \(HTMLText.escape(report.summary)) "
            body += "(<a href=\"\(base)?format=json\">JSON</a>, <a href=\"\(base)?format=csv\">CSV</a>)</li>"
        }
        return page(title: "Oversight reports", body: body + "</ul></main>")
    }
}
