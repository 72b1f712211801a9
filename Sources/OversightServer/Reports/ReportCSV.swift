import Foundation
import OversightDomain

/// A report as CSV (RFC 4180): a header row, then one row per cell, withheld cells showing
/// their mark ("<5", "x") as text. Long rather than wide, so every table of a report fits
/// one file and a spreadsheet can pivot it back.
enum ReportCSV {
    static let header = ["report", "period_from", "period_to", "as_of", "table", "row", "row_level", "column", "value"]

    static func render(_ document: ReportDocument) -> String {
        var lines = [header.joined(separator: ",")]
        for table in document.tables {
            // A nested row is named by its path ("ECO / Retaliation review / Retaliation"), so
            // each line of the file stands on its own.
            var path: [String] = []
            var named: [(row: ReportRow, label: String, level: String)] = table.rows.map { row in
                path = Array(path.prefix(row.level)) + [row.label]
                return (row, path.joined(separator: " / "), String(row.level))
            }
            if let total = table.total { named.append((total, total.label, "total")) }
            for (row, label, level) in named {
                for (column, cell) in zip(table.columns, row.cells) {
                    let fields = [
                        document.report, document.period.from, document.period.to, document.asOf, table.id, label, level, column.key, cell.display,
                    ]
                    lines.append(fields.map(field).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quoted when it holds a comma, a quote or a line break; a leading = + - @ is prefixed
    /// with ' so that a spreadsheet never runs a label as a formula.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
