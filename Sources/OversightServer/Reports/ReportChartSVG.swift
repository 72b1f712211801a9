import Foundation
import OversightDomain

/// A table's chart as inline SVG: horizontal bars (grouped or stacked) per top-level row, or a
/// line per series over the rows (months). Drawn from the published cells only: a withheld
/// cell draws nothing. Titled and described for screen readers.
enum ReportChartSVG {
    static let palette = ["#1f5f99", "#d9822b", "#2e8b57", "#a23b72", "#6b6b6b", "#c9a227"]
    static let width = 720.0

    static func render(_ table: ReportTable, chart: ReportChart, id: String) -> String? {
        let series = chart.series.compactMap { key in table.columns.firstIndex { $0.key == key } }
        let rows = table.rows.filter { $0.level == 0 }
        guard !series.isEmpty, !rows.isEmpty else { return nil }
        let body: String
        var height: Double
        switch chart.kind {
        case .bars, .stackedBars: (body, height) = bars(rows, series: series, stacked: chart.kind == .stackedBars)
        case .line: (body, height) = line(rows, series: series)
        }
        // The legend under the plot, four entries a line.
        let legendLines = (series.count + 3) / 4
        let plotHeight = height
        height += Double(legendLines - 1) * 18
        let legend = series.enumerated().map { index, column in
            let x = 10.0 + Double(index % 4) * 175
            let y = plotHeight - 18 + Double(index / 4) * 18
            return "<rect x=\"\(x)\" y=\"\(y)\" width=\"12\" height=\"12\" fill=\"\(palette[index % palette.count])\"/>"
                + "<text x=\"\(x + 18)\" y=\"\(y + 10)\" class=\"legend\">\(HTMLText.escape(table.columns[column].title))</text>"
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" aria-labelledby="\(id)-title \(id)-desc">\
            <title id="\(id)-title">\(HTMLText.escape(table.title))</title><desc id="\(id)-desc">\(HTMLText.escape(chart.description))</desc>\
            \(body)\(legend)</svg>
            """
    }

    private static func value(_ row: ReportRow, _ column: Int) -> Double { max(0, row.cells[column].value ?? 0) }

    private static func bars(_ rows: [ReportRow], series: [Int], stacked: Bool) -> (String, Double) {
        let labelWidth = 170.0
        let plot = width - labelWidth - 60
        let band = stacked ? 22.0 : 10.0 * Double(series.count) + 8
        let maximum = max(
            1, rows.map { row in stacked ? series.reduce(0) { $0 + value(row, $1) } : series.map { value(row, $0) }.max() ?? 0 }.max() ?? 1)
        var svg = ""
        for (index, row) in rows.enumerated() {
            let top = 10 + Double(index) * band
            svg +=
                "<text x=\"\(labelWidth - 6)\" y=\"\(top + band / 2 + 2)\" text-anchor=\"end\" class=\"label\">\(HTMLText.escape(String(row.label.prefix(28))))</text>"
            var left = labelWidth
            for (position, column) in series.enumerated() {
                let length = value(row, column) / maximum * plot
                let color = palette[position % palette.count]
                if stacked {
                    svg +=
                        "<rect x=\"\(format(left))\" y=\"\(format(top + 2))\" width=\"\(format(length))\" height=\"\(format(band - 6))\" fill=\"\(color)\"/>"
                    left += length
                } else {
                    svg +=
                        "<rect x=\"\(format(left))\" y=\"\(format(top + 2 + Double(position) * 10))\" width=\"\(format(length))\" height=\"8\" fill=\"\(color)\"/>"
                }
            }
            let total = stacked ? series.reduce(0) { $0 + value(row, $1) } : value(row, series[0])
            svg +=
                "<text x=\"\(format(labelWidth + (stacked ? left - labelWidth : total / maximum * plot) + 4))\" y=\"\(top + band / 2 + 2)\" class=\"value\">\(Int(total))</text>"
        }
        return (svg, 10 + Double(rows.count) * band + 34)
    }

    private static func line(_ rows: [ReportRow], series: [Int]) -> (String, Double) {
        let height = 240.0
        let (left, right, top, bottom) = (50.0, width - 20, 14.0, height - 56)
        let maximum = max(1, rows.flatMap { row in series.map { value(row, $0) } }.max() ?? 1)
        let step = rows.count > 1 ? (right - left) / Double(rows.count - 1) : 0
        func x(_ index: Int) -> Double { left + Double(index) * step }
        func y(_ value: Double) -> Double { bottom - value / maximum * (bottom - top) }
        var svg = "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\" class=\"axis\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\" class=\"label\">\(Int(maximum))</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(bottom)\" text-anchor=\"end\" class=\"label\">0</text>"
        let labelEvery = max(1, rows.count / 12)
        for (index, row) in rows.enumerated() where index % labelEvery == 0 {
            svg += "<text x=\"\(format(x(index)))\" y=\"\(bottom + 14)\" text-anchor=\"middle\" class=\"label\">\(HTMLText.escape(row.label))</text>"
        }
        for (position, column) in series.enumerated() {
            let points = rows.indices.map { "\(format(x($0))),\(format(y(value(rows[$0], column))))" }.joined(separator: " ")
            let color = palette[position % palette.count]
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            for index in rows.indices {
                svg += "<circle cx=\"\(format(x(index)))\" cy=\"\(format(y(value(rows[index], column))))\" r=\"2.5\" fill=\"\(color)\"/>"
            }
        }
        return (svg, height)
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

enum HTMLText {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
