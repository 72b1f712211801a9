import Foundation
import PostgresClient

/// One person of the staff directory: where they work and whether they head it.
public struct DirectoryEntry: Sendable, Hashable {
    public let personID: String
    public let displayName: String
    public let office: String
    public let headsOffice: Bool
    public let isDirectorGeneral: Bool

    public init(personID: String, displayName: String, office: String, headsOffice: Bool, isDirectorGeneral: Bool) {
        self.personID = personID
        self.displayName = displayName
        self.office = office
        self.headsOffice = headsOffice
        self.isDirectorGeneral = isDirectorGeneral
    }

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads `person_id,display_name,office,heads_office,is_director_general` CSV (a header
    /// line first; no quoted commas). Every bad line is reported.
    public static func parseCSV(_ text: String) throws(DirectoryImportError) -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        var problems: [ParseError] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
        }
        guard let header = lines.first, header == "person_id,display_name,office,heads_office,is_director_general" else {
            throw DirectoryImportError(problems: [
                ParseError(line: 1, message: "expected the header person_id,display_name,office,heads_office,is_director_general")
            ])
        }
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 5 else {
                problems.append(ParseError(line: index + 1, message: "expected 5 fields, found \(fields.count)"))
                continue
            }
            guard !fields[0].isEmpty, fields[2].range(of: "^[A-Z]{2,8}$", options: .regularExpression) != nil,
                let heads = Bool(fields[3].lowercased()), let isDG = Bool(fields[4].lowercased())
            else {
                problems.append(ParseError(line: index + 1, message: "expected an id, a name, an office code and two true/false values"))
                continue
            }
            entries.append(
                DirectoryEntry(personID: fields[0], displayName: fields[1], office: fields[2], headsOffice: heads, isDirectorGeneral: isDG))
        }
        guard problems.isEmpty else { throw DirectoryImportError(problems: problems) }
        return entries
    }
}

public struct DirectoryImportError: Error, CustomStringConvertible, Equatable {
    public let problems: [DirectoryEntry.ParseError]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Loads the staff directory (who belongs to and heads which office), replacing the entries
/// it names and leaving others alone, in one transaction.
public struct StaffDirectory: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    @discardableResult
    public func importEntries(_ entries: [DirectoryEntry]) async throws -> Int {
        try await pool.withTransaction { connection in
            try connection.execute(
                """
                INSERT INTO staff_directory (person_id, display_name, office, heads_office, is_director_general, updated_at)
                SELECT * , now() FROM unnest(\(entries.map(\.personID))::text[], \(entries.map(\.displayName))::text[],
                    \(entries.map(\.office))::text[], \(entries.map(\.headsOffice))::bool[], \(entries.map(\.isDirectorGeneral))::bool[])
                ON CONFLICT (person_id) DO UPDATE SET display_name = excluded.display_name, office = excluded.office,
                    heads_office = excluded.heads_office, is_director_general = excluded.is_director_general, updated_at = now()
                """)
        }
    }
}
