import CPosixSpawn
import Foundation
import Glibc

/// Runs a command to completion with `posix_spawn` and `waitpid` (PostgreSQL's tools here;
/// headless Chromium in the report page tests).
///
/// `Foundation.Process` hangs on `pg_ctl start` on Linux: the postmaster inherits the pipe
/// Foundation watches for the child's exit, so the exit is never seen. Here the child's
/// output goes to a file, every other inherited descriptor is closed in the child, and the
/// parent waits for exactly the process it started.
public enum ProcessSpawner {
    public struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let status: Int32
        let output: String
        public var description: String {
            "\(command.joined(separator: " ")) exited with status \(status)" + (output.isEmpty ? "" : ":\n\(output)")
        }
    }

    /// Runs `arguments[0]` (an absolute path) and returns its combined output. Blocks the
    /// calling thread; callers run it on a thread that may block.
    public static func run(_ arguments: [String], outputFile: String) throws -> String {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The postmaster that pg_ctl leaves running must not hold our sockets open.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A fresh process group: a Ctrl-C meant for the service does not reach PostgreSQL
        // before the service has stopped it in order.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard spawned == 0 else {
            throw Failure(command: arguments, status: -1, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { break }
        }
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitStatus == 0 else {
            throw Failure(command: arguments, status: exitStatus, output: output)
        }
        return output
    }
}
