import Yams

/// A position in a YAML document: the node, its file and its path. Reading through a cursor
/// records a located problem for every missing key or wrong type instead of stopping at the
/// first, so the loader can report everything at once.
struct YAMLCursor {
    let node: Node
    let file: String
    let path: String

    static func parse(_ text: String, file: String, log: inout ProblemLog) -> YAMLCursor? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                log.add(file, "", "the file is empty")
                return nil
            }
            return YAMLCursor(node: node, file: file, path: "")
        } catch {
            log.add(file, "", "not valid YAML: \(error)")
            return nil
        }
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The mapping's keys, refusing any not in `allowed`.
    func keys(allowed: Set<String>, log: inout ProblemLog) -> [String] {
        guard case .mapping(let mapping) = node else {
            log.add(file, path, "expected a mapping")
            return []
        }
        var keys: [String] = []
        for key in mapping.keys {
            let name = key.string ?? "?"
            if !allowed.contains(name) {
                log.add(file, childPath(name), "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            keys.append(name)
        }
        return keys
    }

    func child(_ key: String) -> YAMLCursor? {
        guard case .mapping(let mapping) = node, let value = mapping[Node(key)] else { return nil }
        return YAMLCursor(node: value, file: file, path: childPath(key))
    }

    func has(_ key: String) -> Bool { child(key) != nil }

    var scalarText: String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    func string(_ key: String, log: inout ProblemLog, required: Bool = true) -> String? {
        guard let child = child(key) else {
            if required { log.add(file, childPath(key), "missing") }
            return nil
        }
        guard let text = child.scalarText, !text.isEmpty else {
            log.add(file, child.path, "expected a non-empty text")
            return nil
        }
        return text
    }

    func int(_ key: String, log: inout ProblemLog, required: Bool = true) -> Int? {
        guard let child = child(key) else {
            if required { log.add(file, childPath(key), "missing") }
            return nil
        }
        guard let text = child.scalarText, let value = Int(text) else {
            log.add(file, child.path, "expected a whole number, got \"\(child.scalarText ?? "a list or mapping")\"")
            return nil
        }
        return value
    }

    func bool(_ key: String, log: inout ProblemLog, default defaultValue: Bool) -> Bool {
        guard let child = child(key) else { return defaultValue }
        guard let text = child.scalarText, let value = Bool(text.lowercased()) else {
            log.add(file, child.path, "expected true or false")
            return defaultValue
        }
        return value
    }

    /// The elements of a sequence, each with its indexed path.
    func sequence(_ key: String, log: inout ProblemLog, required: Bool = true) -> [YAMLCursor] {
        guard let child = child(key) else {
            if required { log.add(file, childPath(key), "missing") }
            return []
        }
        return child.elements(log: &log)
    }

    func elements(log: inout ProblemLog) -> [YAMLCursor] {
        guard case .sequence(let sequence) = node else {
            log.add(file, path, "expected a list")
            return []
        }
        return sequence.enumerated().map { YAMLCursor(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// A list of texts (`[a, b]`).
    func strings(_ key: String, log: inout ProblemLog, required: Bool = true) -> [String] {
        sequence(key, log: &log, required: required).compactMap { element in
            guard let text = element.scalarText, !text.isEmpty else {
                log.add(file, element.path, "expected a text")
                return nil
            }
            return text
        }
    }
}
