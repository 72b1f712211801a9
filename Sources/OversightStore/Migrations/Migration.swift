import Crypto
import Foundation
import PostgresClient

/// One forward-only schema change: `Schema/NNNN_name.sql`, applied once, in version order,
/// and recorded with the sha256 of the exact bytes that ran.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    /// The file name, e.g. `0001_foundation.sql`; errors name it.
    public let fileName: String
    /// Hex sha256 of the file's contents.
    public let checksum: String
    let contents: FileContents

    public static func == (lhs: Migration, rhs: Migration) -> Bool {
        lhs.version == rhs.version && lhs.checksum == rhs.checksum && lhs.fileName == rhs.fileName
    }

    /// Reads every migration in `directory`, sorted by version. Refuses a `.sql` file whose
    /// name does not follow `NNNN_name.sql`, and two files with one version.
    public static func load(from directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError.directoryUnreadable(directory)
        }
        var migrations: [Migration] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            guard let (version, name) = parse(fileName) else { throw MigrationError.invalidFileName(fileName) }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw MigrationError.duplicateVersion(version, clash.fileName, fileName)
            }
            let contents = try FileContents(path: directory + "/" + fileName)
            let digest = SHA256.hash(data: Data(contents.text.utf8))
            let checksum = digest.map { String(format: "%02x", $0) }.joined()
            migrations.append(Migration(version: version, name: name, fileName: fileName, checksum: checksum, contents: contents))
        }
        return migrations.sorted { $0.version < $1.version }
    }

    private static func parse(_ fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(4)
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else { return nil }
        let name = String(parts[1])
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else { return nil }
        return (version, name)
    }
}

/// Why the schema cannot be brought up to date. Each case names the file involved.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case directoryUnreadable(String)
    case invalidFileName(String)
    case duplicateVersion(Int, String, String)
    /// An applied migration's file now has other contents.
    case changedAfterApply(fileName: String, appliedChecksum: String, fileChecksum: String)
    /// A migration recorded as applied has no file any more.
    case missingFile(fileName: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let directory):
            "cannot read the migrations folder \(directory)"
        case .invalidFileName(let fileName):
            "migration file \(fileName) is not named NNNN_lowercase_name.sql"
        case .duplicateVersion(let version, let first, let second):
            "migrations \(first) and \(second) share version \(version)"
        case .changedAfterApply(let fileName, let applied, let file):
            "migration \(fileName) changed after it was applied (applied sha256 \(applied.prefix(12)), file now \(file.prefix(12))); add a new migration instead of editing an applied one"
        case .missingFile(let fileName):
            "migration \(fileName) was applied to this database but its file is missing"
        }
    }
}
