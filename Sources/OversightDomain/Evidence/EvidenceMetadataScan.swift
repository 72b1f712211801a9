/// Looks through a file as it streams by for what could name the person who made it: EXIF in
/// a photo (camera, time, often the place), an author in a document's properties, the headers
/// of an email. An anonymous reporter is told before the file reaches the office; the officer
/// sees the same warnings with the file.
public struct EvidenceMetadataScan: Sendable {
    public let type: EvidenceType
    private var found: Set<Finding> = []
    /// The end of the previous chunk, so that a marker cut in two is still found.
    private var tail: [UInt8] = []

    enum Finding: Hashable, CaseIterable {
        case exif, imageText, documentAuthor, documentProperties, legacyProperties, mailHeaders

        var markers: [[UInt8]] {
            switch self {
            case .exif: [Array("Exif\0\0".utf8), Array("eXIf".utf8), Array("http://ns.adobe.com/xap/1.0/".utf8)]
            case .imageText: [Array("tEXt".utf8), Array("iTXt".utf8), Array("zTXt".utf8)]
            case .documentAuthor: [Array("/Author".utf8), Array("<dc:creator".utf8)]
            case .documentProperties: [Array("docProps/core.xml".utf8)]
            case .legacyProperties, .mailHeaders: []
            }
        }

        func applies(to type: EvidenceType) -> Bool {
            switch self {
            case .exif: type == .jpeg || type == .png
            case .imageText: type == .png
            case .documentAuthor: type == .pdf
            case .documentProperties: type == .officeOpenXML
            case .legacyProperties: type == .officeLegacy
            case .mailHeaders: type == .email
            }
        }

        var warning: String {
            switch self {
            case .exif: "the image carries EXIF or XMP data: the camera or phone, when, and often where it was taken"
            case .imageText: "the image carries text fields, which may name its author or software"
            case .documentAuthor: "the PDF names an author or creator in its properties"
            case .documentProperties: "the document keeps its properties: the author and the last person to edit it"
            case .legacyProperties: "older Office documents keep the author and the last person to edit them"
            case .mailHeaders: "a saved email's headers name its sender, its recipients and the servers it passed"
            }
        }
    }

    public init(type: EvidenceType) {
        self.type = type
        for finding in Finding.allCases where finding.applies(to: type) && finding.markers.isEmpty { found.insert(finding) }
    }

    private static let overlap = Finding.allCases.flatMap(\.markers).map(\.count).max()! - 1

    public mutating func scan(_ chunk: some Collection<UInt8>) {
        let window = tail + chunk
        for finding in Finding.allCases where finding.applies(to: type) && !found.contains(finding) {
            if finding.markers.contains(where: { window.firstRange(of: $0) != nil }) { found.insert(finding) }
        }
        tail = Array(window.suffix(Self.overlap))
    }

    /// What was found, in a stable order.
    public var warnings: [String] { Finding.allCases.filter(found.contains).map(\.warning) }
}
