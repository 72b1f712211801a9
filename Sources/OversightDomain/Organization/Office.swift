/// An office of the organization, as `Config/offices.yaml` describes it.
public struct Office: Hashable, Sendable, Codable {
    /// What the office is in this service.
    public enum Function: String, Sendable, Codable, CaseIterable {
        /// Runs case workflows (OIG, ECO, OMB, EVM, OLA, OSS).
        case oversight
        /// Receives escalations and aggregate reports only (ODG, COS).
        case executive
        /// No case workflow by default (SRA, SPK, PHB, UNM, GCU).
        case support
        /// Receives the cases in which the normal office is conflicted (AOAC).
        case externalAlternate = "external_alternate"
    }

    /// Which cases of the office its officers see.
    public enum Sharing: String, Sendable, Codable, CaseIterable {
        /// Only cases assigned to them.
        case assigned
        /// Every case of the office.
        case office
    }

    /// How stage deadlines are counted.
    public enum Calendar: String, Sendable, Codable, CaseIterable {
        case calendarDays = "calendar_days"
        case businessDays = "business_days"
    }

    public let code: OfficeCode
    public let name: String
    public let function: Function
    /// The title of the office's head (for letters and escalations).
    public let headTitle: String
    public let sharing: Sharing
    public let calendar: Calendar
    /// Days off, `YYYY-MM-DD`, when `calendar` is business days.
    public let holidays: [String]

    enum CodingKeys: String, CodingKey {
        case code, name, function, sharing, calendar, holidays
        case headTitle = "head_title"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(OfficeCode.self, forKey: .code)
        name = try container.decode(String.self, forKey: .name)
        function = try container.decode(Function.self, forKey: .function)
        headTitle = try container.decode(String.self, forKey: .headTitle)
        sharing = try container.decodeIfPresent(Sharing.self, forKey: .sharing) ?? .assigned
        calendar = try container.decodeIfPresent(Calendar.self, forKey: .calendar) ?? .calendarDays
        holidays = try container.decodeIfPresent([String].self, forKey: .holidays) ?? []
    }

    public init(
        code: OfficeCode, name: String, function: Function, headTitle: String,
        sharing: Sharing = .assigned, calendar: Calendar = .calendarDays, holidays: [String] = []
    ) {
        self.code = code
        self.name = name
        self.function = function
        self.headTitle = headTitle
        self.sharing = sharing
        self.calendar = calendar
        self.holidays = holidays
    }
}

/// `Config/offices.yaml`: the offices, the alternate, and the office of the Director General.
public struct OfficeDirectory: Sendable, Codable {
    public let offices: [Office]
    /// The office that receives cases in which the normal office is conflicted.
    public let alternate: OfficeCode
    /// The Director General's office: a case naming the DG goes to the alternate.
    public let directorGeneralOffice: OfficeCode
    /// The regions cases are filed from, each with its country offices (reports are cut by
    /// both). Empty: not configured, anything is accepted.
    public let regions: [String: [String]]

    enum CodingKeys: String, CodingKey {
        case offices, alternate, regions
        case directorGeneralOffice = "director_general_office"
    }

    public init(offices: [Office], alternate: OfficeCode, directorGeneralOffice: OfficeCode, regions: [String: [String]] = [:]) {
        self.offices = offices
        self.alternate = alternate
        self.directorGeneralOffice = directorGeneralOffice
        self.regions = regions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        offices = try container.decode([Office].self, forKey: .offices)
        alternate = try container.decode(OfficeCode.self, forKey: .alternate)
        directorGeneralOffice = try container.decode(OfficeCode.self, forKey: .directorGeneralOffice)
        regions = try container.decodeIfPresent([String: [String]].self, forKey: .regions) ?? [:]
    }

    /// Why a filing's region or country office is not one of the configured ones (nil when it is).
    public func placeProblem(region: String?, countryOffice: String?) -> String? {
        guard !regions.isEmpty else { return nil }
        if let region, regions[region] == nil {
            return "unknown region \"\(region)\" (known: \(regions.keys.sorted().joined(separator: ", ")))"
        }
        guard let countryOffice else { return nil }
        let candidates = region.flatMap { regions[$0] } ?? regions.values.flatMap { $0 }
        if !candidates.contains(countryOffice) {
            return "unknown country office \"\(countryOffice)\"" + (region.map { " in \($0)" } ?? "")
                + " (known: \(candidates.sorted().joined(separator: ", ")))"
        }
        return nil
    }

    public func office(_ code: OfficeCode) -> Office? { offices.first { $0.code == code } }
}
