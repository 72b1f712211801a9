import Foundation
import Glibc
public import Logging
import NIOCore
import NIOPosix
public import PostgresClient

/// A PostgreSQL server of the process's own: `initdb` into a data folder on first use, then
/// `pg_ctl start` listening only on a Unix socket. The service uses it when no database URL
/// is configured, and the tests use it for a throwaway database per suite.
///
/// PostgreSQL refuses to run as root, so when this process is root the server binaries run
/// as the `postgres` system user (`runuser`) and the folders are handed to that user.
public struct LocalPostgresServer: Sendable {
    public struct Configuration: Sendable {
        /// The data folder (created by `initdb` when empty or missing).
        public var dataDirectory: String
        /// The database the application uses; created on first start.
        public var database: String
        /// Skip fsync: for throwaway test databases only.
        public var durable: Bool
        /// Names this server's settings file (`<label>.conf` in the data folder) and, when the
        /// data folder is too deep for a socket path, its socket folder under /tmp.
        public var label: String
        /// More `postgresql.conf` lines (a test server's `shared_preload_libraries`).
        public var extraSettings: [String]

        public init(
            dataDirectory: String, database: String, durable: Bool = true, label: String = "local", extraSettings: [String] = []
        ) {
            self.dataDirectory = dataDirectory
            self.database = database
            self.durable = durable
            self.label = label
            self.extraSettings = extraSettings
        }
    }

    public struct StartError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let configuration: Configuration
    /// The folder holding `initdb`, `pg_ctl` and `postgres`.
    public let binDirectory: String
    /// The folder of the Unix socket (`.s.PGSQL.5432`).
    public let socketDirectory: String
    public static let superuser = "postgres"
    public static let port = 5432
    private let logger: Logger

    /// Finds the server binaries; throws naming the package to install when they are missing.
    public init(_ configuration: Configuration, logger: Logger = Logger(label: "postgres.local")) throws {
        var configuration = configuration
        configuration.dataDirectory = Self.absolute(configuration.dataDirectory)
        self.configuration = configuration
        self.logger = logger
        self.binDirectory = try Self.locateBinaries()
        self.socketDirectory = Self.socketDirectory(for: configuration.dataDirectory, label: configuration.label)
    }

    /// Connection options for the service's database on this server, as its superuser (who
    /// creates the service's own logins; the service never runs as it).
    public var connectionOptions: PostgresConnectionOptions { connectionOptions(user: Self.superuser) }

    /// Connection options for the service's database as `user` (the socket is trusted: only
    /// this process's user, or root, can reach the socket folder).
    public func connectionOptions(user: String) -> PostgresConnectionOptions {
        PostgresConnectionOptions(
            socketDirectory: socketDirectory, port: Self.port, user: user, database: configuration.database,
            applicationName: configuration.label)
    }

    /// Initializes the data folder if needed, starts the server, waits until it accepts
    /// connections, and creates the service's database if it does not exist yet. Returns
    /// false when a server was already running on the folder (another process's: its owner
    /// stops it, not the caller).
    @discardableResult
    public func start() async throws -> Bool {
        let started = try await NIOThreadPool.singleton.runIfActive { try self.startBlocking() }
        try await createDatabase(configuration.database)
        return started
    }

    /// Stops the server (fast shutdown: open transactions are rolled back) and waits for it.
    public func stop() async throws {
        try await NIOThreadPool.singleton.runIfActive {
            _ = try self.pgCtl(["stop", "-D", self.configuration.dataDirectory, "-m", "fast", "-w", "-t", "60"])
        }
    }

    /// Restarts the server, dropping every connection (tests use it to prove reconnection).
    public func restart() async throws {
        try await NIOThreadPool.singleton.runIfActive {
            _ = try self.pgCtl([
                "restart", "-D", self.configuration.dataDirectory, "-m", "fast", "-w", "-t", "60",
                "-l", self.logFile,
            ])
        }
    }

    /// Whether a postmaster is running on the data folder.
    public func isRunning() async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive {
            _ = try self.pgCtl(["status", "-D", self.configuration.dataDirectory])
        }) != nil
    }

    var logFile: String { configuration.dataDirectory + "/postgres.log" }

    private func startBlocking() throws -> Bool {
        let fileManager = FileManager.default
        let data = configuration.dataDirectory
        let versionFile = data + "/PG_VERSION"
        if !fileManager.fileExists(atPath: versionFile) {
            logger.info("initializing a private PostgreSQL data folder", metadata: ["data": "\(data)"])
            try fileManager.createDirectory(atPath: data, withIntermediateDirectories: true)
            try handToServerUser(data)
            _ = try runAsServerUser(
                [
                    binDirectory + "/initdb", "-D", data, "-U", Self.superuser, "-A", "trust",
                    "-E", "UTF8", "--locale=C.UTF-8",
                ] + (configuration.durable ? [] : ["--no-sync"]))
        }
        try writeSettings()
        if socketDirectory != data { try Self.preparePrivateFolder(socketDirectory) }
        if (try? pgCtl(["status", "-D", data])) != nil {
            logger.info("private PostgreSQL already running; using it and leaving it running", metadata: ["data": "\(data)"])
            return false
        }
        logger.info("starting private PostgreSQL", metadata: ["data": "\(data)", "socket": "\(socketDirectory)"])
        _ = try pgCtl(["start", "-D", data, "-w", "-t", "60", "-l", logFile])
        return true
    }

    /// Our settings live in their own file, included from postgresql.conf and rewritten on
    /// every start, so a moved socket folder is picked up without touching initdb's file.
    private func writeSettings() throws {
        let data = configuration.dataDirectory
        let settings = """
            # Written by \(configuration.label) on every start; edits are lost.
            listen_addresses = ''
            port = \(Self.port)
            unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700
            # The server's own log keeps no row values (DETAIL) and no statement parameters.
            log_error_verbosity = terse
            fsync = \(configuration.durable ? "on" : "off")
            synchronous_commit = \(configuration.durable ? "on" : "off")
            full_page_writes = \(configuration.durable ? "on" : "off")
            max_connections = 200
            # The report rollup's changes table is emptied every second (Schema/0016): vacuumed
            # at once, it stays a few pages long instead of a minute's worth of dead rows that
            # every report would scan.
            autovacuum_naptime = 1
            # Every statement of the service is short: compiling one with JIT (30 ms and more,
            # seen on a search) costs more than it could save.
            jit = off
            # The default 128 MB holds little of a million cases: every search and queue page
            # then reads its pages from the kernel's cache. Memory is only taken as it is used.
            shared_buffers = 1GB
            """ + configuration.extraSettings.map { "\n" + $0 }.joined()
        // The data folder belongs to the server's user: when this process is root, a file there
        // may have been replaced by a symbolic link to anything. Never follow one.
        let settingsFile = configuration.label + ".conf"
        try PrivateFile.write(settings + "\n", to: data + "/" + settingsFile, owner: Self.isRoot ? try serverAccount() : nil)
        let mainConf = data + "/postgresql.conf"
        let current = try PrivateFile.read(mainConf)
        if !current.contains("include_if_exists = '\(settingsFile)'") {
            try PrivateFile.append("\ninclude_if_exists = '\(settingsFile)'\n", to: mainConf)
        }
    }

    /// Creates a database on this server unless it exists. The name is quoted as an
    /// identifier; it is never spliced in as SQL.
    public func createDatabase(_ name: String) async throws {
        let maintenance = PostgresConnectionOptions(
            socketDirectory: socketDirectory, port: Self.port, user: Self.superuser, database: "postgres")
        let loopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { loopGroup.shutdownGracefully { _ in } }
        let connection = try await PostgresConnection.connect(maintenance, on: loopGroup.next(), logger: logger)
        do {
            if try await connection.createDatabaseIfMissing(name) {
                logger.info("created database", metadata: ["database": "\(name)"])
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// A streaming standby of this server in `dataDirectory` (`pg_basebackup -R`: it follows
    /// this server's WAL over its Unix socket), configured but not started. For reading
    /// reports from a replica; the tests start one to prove it.
    public func makeStandby(dataDirectory: String, label: String) async throws -> LocalPostgresServer {
        let standby = try LocalPostgresServer(
            .init(dataDirectory: dataDirectory, database: configuration.database, durable: configuration.durable, label: label), logger: logger)
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try self.handToServerUser(dataDirectory)
            _ = try self.runAsServerUser([
                self.binDirectory + "/pg_basebackup", "-D", dataDirectory, "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
                "-h", self.socketDirectory, "-p", String(Self.port), "-U", Self.superuser,
            ])
            // The primary's socket lock and log live in its data folder here, and came along.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
            where name.hasPrefix(".s.PGSQL.") || name == "postgres.log" {
                try FileManager.default.removeItem(atPath: dataDirectory + "/" + name)
            }
        }
        return standby
    }

    private func pgCtl(_ arguments: [String]) throws -> String {
        try runAsServerUser([binDirectory + "/pg_ctl"] + arguments)
    }

    // MARK: - Running as the server's user

    private static var isRoot: Bool { geteuid() == 0 }

    private func runAsServerUser(_ command: [String]) throws -> String {
        let outputFile = NSTemporaryDirectory() + "\(configuration.label)-pg-\(getpid())-\(UUID().uuidString).out"
        defer { unlink(outputFile) }
        if Self.isRoot {
            return try ProcessSpawner.run([try Self.runuser(), "-u", Self.superuser, "--"] + command, outputFile: outputFile)
        }
        return try ProcessSpawner.run(command, outputFile: outputFile)
    }

    private func serverAccount() throws -> (uid: uid_t, gid: gid_t) {
        guard let account = getpwnam(Self.superuser) else {
            throw StartError(
                description:
                    "running as root, and there is no '\(Self.superuser)' system user to run PostgreSQL as (apt-get install -y postgresql creates it)"
            )
        }
        return (account.pointee.pw_uid, account.pointee.pw_gid)
    }

    private func handToServerUser(_ path: String) throws {
        guard Self.isRoot else { return }
        let account = try serverAccount()
        // lchown: a symbolic link is never followed to hand its target over.
        guard lchown(path, account.uid, account.gid) == 0 else {
            throw StartError(description: "cannot hand \(path) to the \(Self.superuser) user: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { chmod(path, 0o700) }
    }

    /// The socket folder outside the data folder (a data folder too deep for a socket path):
    /// made here, 0700, owned by the server's user. One that exists must be exactly that: a
    /// folder another local user made (to listen in, or to borrow the server) is refused.
    static func preparePrivateFolder(_ path: String) throws {
        let owner: uid_t
        var group: gid_t = getegid()
        if isRoot {
            guard let account = getpwnam(superuser) else {
                throw StartError(description: "running as root, and there is no '\(superuser)' system user to run PostgreSQL as")
            }
            owner = account.pointee.pw_uid
            group = account.pointee.pw_gid
        } else {
            owner = geteuid()
        }
        if mkdir(path, 0o700) == 0 {
            guard !isRoot || lchown(path, owner, group) == 0 else {
                throw StartError(description: "cannot hand the socket folder \(path) to the \(superuser) user: \(String(cString: strerror(errno)))")
            }
            return
        }
        guard errno == EEXIST else {
            throw StartError(description: "cannot make the socket folder \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw StartError(description: "cannot inspect the socket folder \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR, status.st_uid == owner, status.st_mode & 0o077 == 0 else {
            throw StartError(
                description:
                    "refusing the socket folder \(path): it must be a folder of the PostgreSQL server's own user with mode 0700 (another local user may have made it); remove it or choose another data folder"
            )
        }
    }

    private static func runuser() throws -> String {
        for candidate in ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"] where access(candidate, X_OK) == 0 {
            return candidate
        }
        throw StartError(description: "running as root needs runuser (util-linux) to start PostgreSQL as the postgres user")
    }

    // MARK: - Locating things

    /// The folder of `initdb` and `pg_ctl`: on PATH, or the newest `/usr/lib/postgresql/*/bin`.
    public static func locateBinaries() throws -> String {
        var candidates: [String] = []
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append("/usr/lib/postgresql/\(version)/bin")
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map(String.init)
        for folder in candidates {
            let initdb = folder + "/initdb"
            let pgCtl = folder + "/pg_ctl"
            if access(initdb, X_OK) == 0, access(pgCtl, X_OK) == 0 {
                return (try? FileManager.default.destinationOfSymbolicLink(atPath: pgCtl))
                    .map { ($0 as NSString).deletingLastPathComponent } ?? folder
            }
        }
        throw StartError(
            description:
                "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; install them with: apt-get install -y postgresql"
        )
    }

    private static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }

    /// Unix socket paths are limited to 107 bytes; a deep data folder gets a short socket
    /// folder under /tmp named after it and this user instead (checked before use:
    /// `preparePrivateFolder`).
    static func socketDirectory(for dataDirectory: String, label: String) -> String {
        if (dataDirectory + "/.s.PGSQL.\(port).lock").utf8.count <= 100 { return dataDirectory }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in dataDirectory.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return "/tmp/\(label)-pg-\(geteuid())-" + String(hash, radix: 36)
    }
}
