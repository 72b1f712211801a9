import Glibc

/// Reads and writes the private server's configuration files without following symbolic
/// links: when this process runs as root, the data folder belongs to the `postgres` user, who
/// could otherwise point the settings file at any file on the machine and have root write it.
enum PrivateFile {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ text: String, to path: String, owner: (uid: uid_t, gid: gid_t)?) throws {
        let descriptor = try open(path, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        defer { close(descriptor) }
        try writeAll(text, descriptor, path)
        if let owner, fchown(descriptor, owner.uid, owner.gid) != 0 {
            throw Refused(description: "cannot hand \(path) to the server's user: \(String(cString: strerror(errno)))")
        }
    }

    static func append(_ text: String, to path: String) throws {
        let descriptor = try open(path, O_WRONLY | O_APPEND, mode: 0)
        defer { close(descriptor) }
        try writeAll(text, descriptor, path)
    }

    static func read(_ path: String) throws -> String {
        let descriptor = try open(path, O_RDONLY, mode: 0)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw Refused(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Opens a regular file, never through a symbolic link (O_NOFOLLOW fails with ELOOP).
    private static func open(_ path: String, _ flags: Int32, mode: mode_t) throws -> Int32 {
        let descriptor = Glibc.open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            throw Refused(description: "refusing \(path): \(reason)")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw Refused(description: "refusing \(path): not a regular file")
        }
        return descriptor
    }

    private static func writeAll(_ text: String, _ descriptor: Int32, _ path: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw Refused(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
