/// Where and how to connect, as libpq keyword/value pairs. Values are passed to
/// `PQconnectdbParams` as separate strings, so nothing here is ever spliced into a
/// connection string.
public struct PostgresConnectionOptions: Sendable, Equatable {
    /// Keyword/value pairs in libpq's vocabulary (`host`, `port`, `dbname`, ...). `dbname` may
    /// hold a `postgresql://` URL, which libpq expands.
    public private(set) var parameters: [(String, String)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.parameters.elementsEqual(rhs.parameters, by: { $0 == $1 })
    }

    /// A `postgresql://user:password@host:port/database?options` URL, parsed by libpq.
    public init(url: String, applicationName: String? = nil) {
        parameters = [("dbname", url)]
        setDefaults(applicationName: applicationName)
    }

    /// A server listening on a Unix socket in `socketDirectory`.
    public init(socketDirectory: String, port: Int = 5432, user: String, database: String, applicationName: String? = nil) {
        parameters = [
            ("host", socketDirectory),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
        ]
        setDefaults(applicationName: applicationName)
    }

    private mutating func setDefaults(applicationName: String?) {
        if let applicationName { parameters.append(("application_name", applicationName)) }
        // A dead address fails in seconds instead of hanging a pool slot.
        parameters.append(("connect_timeout", "5"))
        // Timestamps come back in UTC whatever the server's setting.
        parameters.append(("options", "-c TimeZone=UTC"))
    }

    /// The same server, another database on it (used to create the service's database).
    public func database(_ name: String) -> PostgresConnectionOptions {
        var copy = self
        // A later `dbname` overrides the expanded URL's database, as libpq documents.
        copy.parameters.append(("dbname", name))
        return copy
    }

    /// The same server and database, logging in as `user`.
    public func user(_ name: String) -> PostgresConnectionOptions { setting("user", name) }

    /// Bounds on every statement of the session: `statement_timeout` cancels a statement that
    /// runs longer, `lock_timeout` fails one that waits longer for a lock (server settings,
    /// passed at connection start).
    public func timeouts(statementMilliseconds: Int, lockMilliseconds: Int) -> PostgresConnectionOptions {
        var copy = self
        let flags = " -c statement_timeout=\(statementMilliseconds) -c lock_timeout=\(lockMilliseconds)"
        if let index = copy.parameters.firstIndex(where: { $0.0 == "options" }) {
            copy.parameters[index].1 += flags
        } else {
            copy.parameters.append(("options", String(flags.dropFirst())))
        }
        return copy
    }

    /// TCP keepalives, so that a connection to a server that vanished (a network partition, a
    /// host gone) is noticed in about `idleSeconds` + 3 × `intervalSeconds` instead of hours.
    public func keepalives(idleSeconds: Int = 30, intervalSeconds: Int = 10) -> PostgresConnectionOptions {
        setting("keepalives", "1").setting("keepalives_idle", String(idleSeconds))
            .setting("keepalives_interval", String(intervalSeconds)).setting("keepalives_count", "3")
    }

    /// Sets or replaces one libpq parameter.
    public func setting(_ keyword: String, _ value: String) -> PostgresConnectionOptions {
        var copy = self
        copy.parameters.removeAll { $0.0 == keyword }
        copy.parameters.append((keyword, value))
        return copy
    }
}
