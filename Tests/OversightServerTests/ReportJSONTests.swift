import Foundation
import OversightDomain
import Testing

@testable import OversightServer

/// A report's JSON, written by hand for speed, is byte for byte what the service's
/// `JSONEncoder` writes for the same document.
struct ReportJSONTests {
    /// Every part a document may have or lack: filters, suppression, a chart, a total row,
    /// withheld cells, nested rows, awkward text and the numbers the reports hold.
    static let documents = [
        """
        {"report": "caseload", "title": "Caseload", "summary": "Cases \\"received\\", closed / open.", "period": {"from": "2026-01", "to": "2026-12"},
         "as_of": "2026-12-06", "audience": "Chief of Staff (all offices)", "filters": {"office": "OIG", "region": "Europe", "country_office": "CH"},
         "suppression": {"threshold": 5, "small_cell_mark": "<5", "complementary_mark": "x"},
         "notes": ["Counts below 5 are withheld.", "Ümlaut, tab\\t and line\\nbreak"],
         "tables": [
          {"id": "by_office", "title": "By office", "row_heading": "Office",
           "columns": [{"key": "received", "title": "Received", "kind": "count", "part": true},
                       {"key": "total", "title": "Total", "kind": "row_total", "part": false},
                       {"key": "share", "title": "Share", "kind": "percent", "part": false},
                       {"key": "median_days", "title": "Median days", "kind": "days", "part": false}],
           "rows": [{"label": "OIG", "level": 0, "cells": [{"value": 12, "display": "12"}, {"value": 1234567, "display": "1234567"},
                                                          {"value": 33.3, "display": "33.3"}, {"value": 0.05, "display": "0.05"}]},
                    {"label": "Investigation / fraud", "level": 1, "cells": [{"display": "<5", "suppressed": "small"},
                     {"display": "x", "suppressed": "complementary"}, {"display": "–"}, {"value": 0, "display": "0"}]},
                    {"label": "", "level": 2, "cells": []}],
           "total": {"label": "Total", "level": 0, "cells": [{"value": 2.25, "display": "2.25"}, {"value": 100, "display": "100.0"},
                     {"value": 1e-7, "display": "0"}, {"value": 123456789012, "display": "big"}]},
           "chart": {"kind": "stacked_bars", "series": ["received", "total"], "description": "Cases by office"}},
          {"id": "empty", "title": "Nothing yet", "row_heading": "Month", "columns": [], "rows": []}
         ]}
        """,
        """
        {"report": "ombuds", "title": "Ombuds", "summary": "", "period": {"from": "2025-07", "to": "2026-06"}, "as_of": "2026-06-30",
         "audience": "OMB", "filters": {}, "notes": [], "tables": []}
        """,
    ]

    @Test func aReportIsWhatTheEncoderWrites() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for text in Self.documents {
            let document = try decoder.decode(ReportDocument.self, from: Data(text.utf8))
            let expected = String(decoding: try oversightResponseEncoder.encode(document), as: UTF8.self)
            #expect(try ReportJSON.render(document) == expected)
        }
    }
}
