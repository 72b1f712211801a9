import OversightDomain
import PostgresClient

/// Who a store transaction acts for. The store tells PostgreSQL at the start of every
/// transaction (`set_config(..., true)`, so it ends with the transaction), and the row
/// policies of `Schema/0005` hide from that actor what the domain's `AccessPolicy` hides: a
/// query of the store that forgot a filter still reads nothing it should not.
public enum SessionScope: Sendable, Hashable {
    /// A person acting through the API, with their memberships.
    case person(Actor)
    /// A background job of the service that works on every case.
    case system(SystemJob)

    public enum SystemJob: String, Sendable, Hashable {
        case deadlineSweeper = "deadline-sweeper"
        case auditor
        case checkpoint
        /// Conflict routing moving a case away from the person whose change moved it.
        case routing
        /// A redacting close removing the visitor's idempotency record (only its caller reads it).
        case redaction
        /// Counting a source's open recommendations, some of which its closer may not see.
        case recommendationCount = "recommendation-count"
        /// Delivering the outbox into people's inboxes.
        case dispatcher
        /// Sending webhook deliveries and administering them.
        case webhookSender = "webhook-sender"
        /// Recording a subject's response in a case they may not read.
        case subjectResponse = "subject-response"
        /// Recomputing report cells from the raw rows (every case counts in some report).
        case reporting
        /// Anonymous intake: storing a receipt's hash, exchanging one for a session.
        case intake
        /// Purging the content of cases past their retention period.
        case retention
        /// Share-locking a case's key row while an upload writes under it.
        case evidenceUpload = "evidence-upload"
        /// Re-wrapping data keys under the current key-encryption key (and sealing what a
        /// database older than encryption holds in plain).
        case keyRotation = "key-rotation"
    }

    /// How a system job appears as an event's actor.
    public static func eventActor(_ job: SystemJob) -> String { "system:\(job.rawValue)" }

    /// Sets the scope for the current transaction. One statement, sent with the next one;
    /// every value is bound.
    /// `followsUp`: the person follows recommendations up (an executive office's member).
    /// `keys`: the ring whose tag of the person's id row security compares with a case's filer
    /// (without it, a person is nobody's filer).
    package func apply(
        sharingOffices: [String], followsUp: Bool = false, keys: KeyRing? = nil, _ connection: isolated PostgresConnection
    ) {
        let actorID: String
        var actorTag = ""
        let memberships: [String]
        let offices: [String]
        let system: String
        switch self {
        case .person(let actor):
            actorID = actor.id
            actorTag = keys?.filerTag(actor.id) ?? ""
            memberships = actor.memberships.map { "\($0.office.rawValue):\($0.role.rawValue)" }.sorted()
            offices = Set(actor.memberships.map(\.office.rawValue)).sorted()
            system = ""
        case .system(let job):
            actorID = Self.eventActor(job)
            memberships = []
            offices = []
            system = job.rawValue
        }
        // Sent with the transaction's first statement: no round trip of its own.
        connection.sendWithNext(
            ("""
            SELECT set_config('oversight.actor', \(actorID), true), set_config('oversight.actor_tag', \(actorTag), true),
                   set_config('oversight.memberships', \(memberships)::text[]::text, true),
                   set_config('oversight.offices', \(offices)::text[]::text, true),
                   set_config('oversight.sharing_offices', \(sharingOffices)::text[]::text, true),
                   set_config('oversight.system', \(system), true),
                   set_config('oversight.follows_up', \(followsUp ? "true" : "false"), true)
            """ as PostgresQuery).prepared())
    }
}

/// Whether the store applies the access policy itself as well as row security. The service
/// always runs with both; `.databaseOnly` exists so that a test can show row security alone
/// hides every case it must (a store that forgot its checks would then leak nothing).
public enum AccessEnforcement: Sendable, Hashable, CaseIterable {
    case storeAndDatabase
    /// Tests only: the store's own filters are off and row security is the only line.
    case databaseOnly
}
