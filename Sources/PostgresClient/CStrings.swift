import CLibPQ
import Glibc

/// Calls `body` with NULL-terminated arrays of C strings for libpq's keyword/value API. The
/// strings are duplicated and freed here, so no pointer outlives the call.
func withCStringArrays<Result>(
    _ pairs: [(String, String)],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let keywords: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.0) } + [nil]
    let values: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.1) } + [nil]
    defer {
        keywords.forEach { free($0) }
        values.forEach { free($0) }
    }
    let constKeywords = keywords.map { UnsafePointer($0) }
    let constValues = values.map { UnsafePointer($0) }
    return constKeywords.withUnsafeBufferPointer { keywordBuffer in
        constValues.withUnsafeBufferPointer { valueBuffer in
            body(keywordBuffer.baseAddress!, valueBuffer.baseAddress!)
        }
    }
}

/// Calls `body` with libpq's parallel parameter arrays (types, values, lengths, formats), all
/// in binary format. Values live in one buffer that stays alive for the call.
func withParameters<Result>(
    _ binds: [PostgresBind],
    _ body: (
        UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
    ) -> Result
) -> Result {
    if binds.isEmpty { return body(nil, nil, nil, nil) }
    var storage: [UInt8] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    for bind in binds {
        offsets.append(storage.count)
        if let bytes = bind.bytes {
            storage.append(contentsOf: bytes)
            lengths.append(Int32(bytes.count))
        } else {
            lengths.append(-1)
        }
    }
    // A pointer for a zero-length value must still be non-NULL (NULL means SQL NULL).
    storage.append(0)
    let types = binds.map { Oid($0.type.rawValue) }
    let formats = [Int32](repeating: 1, count: binds.count)
    return storage.withUnsafeBufferPointer { buffer in
        let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
        let values: [UnsafePointer<CChar>?] = binds.indices.map { index in
            lengths[index] < 0 ? nil : base + offsets[index]
        }
        return body(types, values, lengths, formats)
    }
}

/// Reads a UTF-8 text file, for scripts and migration files.
func readTextFile(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else {
        throw FileReadError(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
        if count < chunk.count { break }
    }
    if ferror(file) != 0 { throw FileReadError(path: path, reason: "read error") }
    return String(decoding: bytes, as: UTF8.self)
}

/// A file the library was asked to read could not be read.
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}
