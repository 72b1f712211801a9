import Foundation

/// A secret kept in a file only its owner may read (the development token secret, the
/// checkpoint key): read it, refusing one that others can read, or make it, mode 0600.
enum OwnerOnlyFile {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// The file's text, nil when there is no file. `what` names the secret in errors.
    static func read(_ path: String, what: String) throws(Refused) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? 0o777
        guard mode & 0o077 == 0 else {
            throw Refused(description: "\(what) \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Refused(description: "\(what) \(path) cannot be read") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a new secret file, mode 0600 from the start (never readable by others meanwhile).
    static func create(_ path: String, contents: String, what: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Refused(description: "cannot write \(what) to \(path)")
        }
    }
}
