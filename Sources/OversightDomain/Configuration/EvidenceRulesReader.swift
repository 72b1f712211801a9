/// Reads `attachments.yaml`: how large a file and a case's files may be, and which kinds of
/// file a case accepts.
enum EvidenceRulesReader {
    static let file = "attachments.yaml"

    static func read(_ root: YAMLCursor, log: inout ProblemLog) -> EvidenceRules {
        _ = root.keys(allowed: ["max_file_mb", "max_case_mb", "allowed"], log: &log)
        var rules = EvidenceRules.defaults
        if let megabytes = root.int("max_file_mb", log: &log, required: false) {
            if (1...1024).contains(megabytes) {
                rules.maximumFileBytes = megabytes << 20
            } else {
                log.add(file, "max_file_mb", "must be 1 to 1024, got \(megabytes)")
            }
        }
        if let megabytes = root.int("max_case_mb", log: &log, required: false) {
            if (1...65_536).contains(megabytes) {
                rules.maximumCaseBytes = megabytes << 20
            } else {
                log.add(file, "max_case_mb", "must be 1 to 65536, got \(megabytes)")
            }
        }
        if rules.maximumCaseBytes < rules.maximumFileBytes {
            log.add(file, "max_case_mb", "must be at least max_file_mb")
        }
        if root.has("allowed") {
            var allowed: Set<EvidenceType> = []
            for (index, name) in root.strings("allowed", log: &log).enumerated() {
                guard let type = EvidenceType(rawValue: name) else {
                    log.add(
                        file, "allowed[\(index)]",
                        "unknown kind \"\(name)\" (expected one of: \(EvidenceType.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                allowed.insert(type)
            }
            if allowed.isEmpty { log.add(file, "allowed", "allow at least one kind of file") }
            rules.allowed = allowed
        }
        return rules
    }
}
