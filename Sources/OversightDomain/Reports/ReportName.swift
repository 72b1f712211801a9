/// The reports the oversight offices publish (DOMAIN.md, "Reports").
public enum ReportName: String, Sendable, Codable, CaseIterable, Hashable {
    case caseload
    case ageing
    case timeliness
    case outcomes
    case retaliation
    case ombuds
    case recommendations
    case evaluations
    case indicators

    public var title: String {
        switch self {
        case .caseload: "Caseload"
        case .ageing: "Ageing of open cases"
        case .timeliness: "Timeliness by stage"
        case .outcomes: "Investigation outcomes"
        case .retaliation: "Protection against retaliation"
        case .ombuds: "Ombudsperson statistics"
        case .recommendations: "Recommendation follow-up"
        case .evaluations: "Evaluation pipeline"
        case .indicators: "Programme indicators"
        }
    }

    public var summary: String {
        switch self {
        case .caseload: "Cases received and closed in the period, and open at its end, by office and kind, category, region and month."
        case .ageing: "Cases open on the report day by age band, and overdue stages by state."
        case .timeliness: "Days spent in each stage left during the period: median, 90th percentile, and the share within the stage deadline."
        case .outcomes: "Investigations closed in the period by category and outcome."
        case .retaliation: "Requests for protection against retaliation received in the period and how far each went."
        case .ombuds: "Ombuds cases by IOA Uniform Reporting Category, visitor type, region and outcome; de-identified fields only."
        case .recommendations:
            "Recommendations open at the period end and overdue, implemented within 12 and 18 months, risk accepted, by priority, owner and issuing office."
        case .evaluations: "Evaluations in the pipeline by stage, and management responses given within their deadline."
        case .indicators: "Reports per 100 staff by region, substantiation rate, median days to close by office."
        }
    }

    /// The filters a reader may apply to this report.
    public var filters: [ReportFilter] {
        switch self {
        case .caseload, .outcomes, .retaliation: [.office, .kind, .region, .countryOffice]
        case .ombuds: [.region]
        case .ageing, .timeliness, .recommendations, .evaluations: [.office, .kind]
        case .indicators: [.office]
        }
    }
}

public enum ReportFilter: String, Sendable, Codable, CaseIterable, Hashable {
    case office
    case kind
    case region
    case countryOffice = "country_office"
}
