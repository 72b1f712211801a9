import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to the service on loopback, blocking. Each worker owns
/// one on a thread of its own, so that a request costs the driver a write and a read or two:
/// an HTTP client on an event loop cost 0.12 ms of CPU a request against wrk's 0.025
/// (Benchmarks/driver-vs-wrk), a third of a core taken from the service it measures.
final class LoopbackConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A response; `body` is valid until the next request on the connection.
    struct Response {
        let status: Int
        let etag: String?
        let body: ArraySlice<UInt8>
    }

    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes read and not yet consumed: buffer[start..<end].
    private var start = 0
    private var end = 0

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(errno)") }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        // A bounded run never hangs on a response that does not come.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1: loopback only
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure(description: "connect: \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Sends a request and reads its response.
    func exchange(_ request: [UInt8]) throws -> Response {
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + sent, bytes.count - sent)
                guard written > 0 else { throw Failure(description: "write: \(errno)") }
                sent += written
            }
        }
        return try readResponse()
    }

    private func readResponse() throws -> Response {
        // The head: up to the blank line.
        var headEnd: Int
        while true {
            if let found = find([13, 10, 13, 10], from: start) {
                headEnd = found
                break
            }
            try fill()
        }
        // Read as bytes: "HTTP/1.1 200 ..." then "Name: value" lines (a head as Strings cost the
        // driver more than the service's own parsing).
        guard headEnd - start >= 12 else { throw Failure(description: "bad status line") }
        let status = (Int(buffer[start + 9]) - 48) * 100 + (Int(buffer[start + 10]) - 48) * 10 + Int(buffer[start + 11]) - 48
        var length: Int?
        var chunked = false
        var etag: String?
        var line = (find([13, 10], from: start) ?? headEnd) + 2
        while line < headEnd {
            let lineEnd = find([13, 10], from: line) ?? headEnd
            if let colon = buffer[line..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                var valueStart = colon + 1
                while valueStart < lineEnd && buffer[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                if headerName(line..<colon, is: "content-length") {
                    length = buffer[valueStart..<lineEnd].reduce(0) { $0 * 10 + Int($1) - 48 }
                } else if headerName(line..<colon, is: "transfer-encoding") {
                    chunked = String(decoding: buffer[valueStart..<lineEnd], as: UTF8.self).lowercased().contains("chunked")
                } else if headerName(line..<colon, is: "etag") {
                    etag = String(decoding: buffer[valueStart..<lineEnd], as: UTF8.self)
                }
            }
            line = lineEnd + 2
        }
        start = headEnd + 4
        if chunked { return Response(status: status, etag: etag, body: try readChunks()) }
        let count = length ?? 0
        try need(count)
        let body = buffer[start..<(start + count)]
        start += count
        return Response(status: status, etag: etag, body: body)
    }

    private func readChunks() throws -> ArraySlice<UInt8> {
        var body: [UInt8] = []
        while true {
            var lineEnd: Int
            while true {
                if let found = find([13, 10], from: start) {
                    lineEnd = found
                    break
                }
                try fill()
            }
            let sizeText = String(decoding: buffer[start..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw Failure(description: "bad chunk") }
            start = lineEnd + 2
            try need(size + 2)
            body.append(contentsOf: buffer[start..<(start + size)])
            start += size + 2
            if size == 0 { return body[...] }
        }
    }

    /// Reads until `count` unconsumed bytes are buffered.
    private func need(_ count: Int) throws {
        while end - start < count { try fill() }
    }

    /// Reads more bytes, first moving what is unconsumed to the buffer's start (and growing it
    /// when full).
    private func fill() throws {
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { bytes in
                _ = memmove(bytes.baseAddress!, bytes.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let received = buffer.withUnsafeMutableBufferPointer { bytes in read(descriptor, bytes.baseAddress! + end, bytes.count - end) }
        guard received > 0 else { throw Failure(description: received == 0 ? "connection closed" : "read: \(errno)") }
        end += received
    }

    /// Whether the header name at `range` is `name` (lower case), whatever its case.
    private func headerName(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for offset in 0..<range.count where buffer[range.lowerBound + offset] | 0x20 != expected[offset] { return false }
        return true
    }

    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard end - from >= needle.count else { return nil }
        var index = from
        while index + needle.count <= end {
            if buffer[index] == needle[0] && buffer[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

/// A request's bytes, as the connection sends them.
struct LoopbackRequest {
    var method = "GET"
    var path: String
    var headers: [(String, String)] = []
    var body = ""

    var bytes: [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        // A GET says no length, as browsers and wrk send it (a length of 0 costs the server a body
        // stream to read).
        text += (method == "GET" && body.isEmpty ? "" : "Content-Length: \(body.utf8.count)\r\n") + "\r\n" + body
        return Array(text.utf8)
    }
}
