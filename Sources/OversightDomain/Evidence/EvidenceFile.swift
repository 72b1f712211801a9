import Foundation

/// The kinds of file a case accepts as evidence, each told by its content (its first bytes),
/// never by its name or the type the sender declares: the declared type must agree with it.
public enum EvidenceType: String, Sendable, Hashable, CaseIterable, Codable {
    case pdf, png, jpeg, gif
    /// .docx, .xlsx, .pptx: a ZIP holding `[Content_Types].xml`.
    case officeOpenXML = "office_open_xml"
    /// .doc, .xls, .ppt: an OLE compound file.
    case officeLegacy = "office_legacy"
    case plainText = "plain_text"
    /// A saved message (.eml): text that starts with mail headers.
    case email

    /// The declared types (`Content-Type`, without parameters) that mean this kind.
    public var mediaTypes: [String] {
        switch self {
        case .pdf: ["application/pdf"]
        case .png: ["image/png"]
        case .jpeg: ["image/jpeg"]
        case .gif: ["image/gif"]
        case .officeOpenXML:
            [
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ]
        case .officeLegacy: ["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"]
        case .plainText: ["text/plain"]
        case .email: ["message/rfc822"]
        }
    }

    public static func declared(_ mediaType: String) -> EvidenceType? {
        let bare = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return allCases.first { $0.mediaTypes.contains(bare) }
    }

    /// What the first bytes are (up to `EvidenceType.sniffLength` of them), or nil.
    public static func sniff(_ prefix: [UInt8]) -> EvidenceType? {
        func starts(_ magic: [UInt8]) -> Bool { prefix.starts(with: magic) }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            return prefix.firstRange(of: Array("[Content_Types].xml".utf8)) != nil ? .officeOpenXML : nil
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .officeLegacy }
        guard !prefix.isEmpty, !prefix.contains(0), let text = Self.utf8Prefix(prefix) else { return nil }
        return Self.startsWithMailHeaders(text) ? .email : .plainText
    }

    public static let sniffLength = 64 * 1024

    /// The prefix as text when it is UTF-8 (a sequence cut at the end of the prefix allowed).
    private static func utf8Prefix(_ bytes: [UInt8]) -> String? {
        for cut in 0...min(3, bytes.count - 1) {
            if let text = String(validating: bytes.dropLast(cut), as: UTF8.self) { return text }
        }
        return nil
    }

    /// Header lines ("Name: value", continued by indented lines) up to a blank line, among
    /// them a From and a Date or Subject: a saved message, not a note that starts with a colon.
    private static func startsWithMailHeaders(_ text: String) -> Bool {
        var names: Set<String> = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).prefix(200) {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                line[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return false }
            names.insert(line[..<colon].lowercased())
        }
        return names.contains("from") && (names.contains("date") || names.contains("subject"))
    }
}

/// What Config/attachments.yaml allows: per file, per case, which kinds.
public struct EvidenceRules: Sendable, Hashable {
    public var maximumFileBytes: Int
    public var maximumCaseBytes: Int
    public var allowed: Set<EvidenceType>

    public init(maximumFileBytes: Int, maximumCaseBytes: Int, allowed: Set<EvidenceType>) {
        self.maximumFileBytes = maximumFileBytes
        self.maximumCaseBytes = maximumCaseBytes
        self.allowed = allowed
    }

    /// 20 MB a file, 100 MB a case, every kind.
    public static let defaults = EvidenceRules(
        maximumFileBytes: 20 << 20, maximumCaseBytes: 100 << 20, allowed: Set(EvidenceType.allCases))
}

/// A file's name as the sender gave it, checked: kept to show and to offer on download, never
/// used as a path. Refused, not repaired, when it holds a path separator or a control
/// character: a name like that is a mistake or an attack, and the sender should know.
public enum EvidenceFileName {
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case empty, tooLong, pathSeparator, controlCharacter, dotsOnly

        public var description: String {
            switch self {
            case .empty: "give the file's name (name=...)"
            case .tooLong: "a file name is at most 255 bytes"
            case .pathSeparator: "a file name may not hold / or \\"
            case .controlCharacter: "a file name may not hold control characters"
            case .dotsOnly: "a file name is more than dots"
            }
        }
    }

    public static func check(_ name: String) throws(Refusal) -> String {
        let trimmed = name.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.utf8.count <= 255 else { throw .tooLong }
        guard !trimmed.contains("/"), !trimmed.contains("\\") else { throw .pathSeparator }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        else { throw .controlCharacter }
        guard !trimmed.allSatisfy({ $0 == "." }) else { throw .dotsOnly }
        return trimmed
    }

    /// `Content-Disposition` for a download: an ASCII fallback with anything unsafe replaced,
    /// and the exact name percent-encoded (RFC 6266, RFC 8187).
    public static func contentDisposition(_ name: String) -> String {
        let fallback = String(
            name.unicodeScalars.map { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "._- ()".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
