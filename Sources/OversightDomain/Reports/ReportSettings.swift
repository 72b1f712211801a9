import Yams

/// `Config/reports.yaml`: what the published reports need besides the cases.
public struct ReportSettings: Sendable, Hashable {
    /// Counts from 1 to threshold - 1 are withheld from readers outside the office.
    public var smallCellThreshold: Int
    /// The Gender Coordination Unit: reads the aggregates of `genderCategories`.
    public var genderCoordinationOffice: OfficeCode?
    public var genderCategories: Set<String>
    /// Staff numbers, for reports per 100 staff.
    public var headcountByOffice: [String: Int]
    public var headcountByRegion: [String: Int]

    public init(
        smallCellThreshold: Int = 5, genderCoordinationOffice: OfficeCode? = OfficeCode("GCU"),
        genderCategories: Set<String> = ["sexual_exploitation_and_abuse", "sexual_harassment"], headcountByOffice: [String: Int] = [:],
        headcountByRegion: [String: Int] = [:]
    ) {
        self.smallCellThreshold = smallCellThreshold
        self.genderCoordinationOffice = genderCoordinationOffice
        self.genderCategories = genderCategories
        self.headcountByOffice = headcountByOffice
        self.headcountByRegion = headcountByRegion
    }

    public static let defaults = ReportSettings()
}

enum ReportSettingsReader {
    static func read(_ root: YAMLCursor, log: inout ProblemLog) -> ReportSettings {
        _ = root.keys(allowed: ["small_cell_threshold", "gender_coordination", "headcount"], log: &log)
        var settings = ReportSettings.defaults
        if root.has("small_cell_threshold"), let threshold = root.int("small_cell_threshold", log: &log) {
            if threshold < 2 || threshold > 100 {
                log.add(root.file, "small_cell_threshold", "expected a number from 2 to 100, got \(threshold)")
            } else {
                settings.smallCellThreshold = threshold
            }
        }
        if let gender = root.child("gender_coordination") {
            _ = gender.keys(allowed: ["office", "categories"], log: &log)
            if let text = gender.string("office", log: &log) {
                settings.genderCoordinationOffice = OfficeCode(text)
                if OfficeCode(text) == nil { log.add(root.file, "gender_coordination.office", "\"\(text)\" is not an office code") }
            }
            settings.genderCategories = Set(gender.strings("categories", log: &log))
        }
        if let headcount = root.child("headcount") {
            _ = headcount.keys(allowed: ["offices", "regions"], log: &log)
            settings.headcountByOffice = counts(headcount, "offices", log: &log)
            settings.headcountByRegion = counts(headcount, "regions", log: &log)
        }
        return settings
    }

    private static func counts(_ cursor: YAMLCursor, _ key: String, log: inout ProblemLog) -> [String: Int] {
        guard let child = cursor.child(key) else { return [:] }
        guard let mapping = child.node.mapping else {
            log.add(cursor.file, "headcount.\(key)", "expected a mapping of name to staff number")
            return [:]
        }
        var result: [String: Int] = [:]
        for (name, value) in mapping {
            guard let name = name.string, let number = value.int, number > 0 else {
                log.add(cursor.file, "headcount.\(key)", "expected name: a positive number of staff")
                continue
            }
            result[name] = number
        }
        return result
    }
}
