/// One thing wrong with the configuration, located by file and path inside it:
/// `workflows/investigation.yaml: transitions[7].to: unknown state "closd"`.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    /// Dotted path inside the file (`transitions[7].to`); empty for the file as a whole.
    public let path: String
    public let message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}

/// Every problem found, reported at once so one run of `oversight config check` shows all.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let problems: [ConfigurationProblem]

    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    public var description: String {
        "\(problems.count) configuration problem(s):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Collects problems while a file is read.
struct ProblemLog {
    private(set) var problems: [ConfigurationProblem] = []

    mutating func add(_ file: String, _ path: String, _ message: String) {
        problems.append(ConfigurationProblem(file: file, path: path, message: message))
    }
}
