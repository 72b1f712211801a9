import Crypto
import Foundation
import OversightDomain
import PostgresClient

/// Every workflow version the database knows, by id, and the current one of each kind.
/// Cases are pinned to the version they started with; an edited `Config/workflows/*.yaml`
/// becomes a new version for new cases only.
public struct WorkflowCatalog: Sendable {
    public let current: [CaseKind: Int]
    public let versions: [Int: WorkflowDefinition]

    public init(current: [CaseKind: Int], versions: [Int: WorkflowDefinition]) {
        self.current = current
        self.versions = versions
    }

    public func currentVersion(of kind: CaseKind) -> (id: Int, workflow: WorkflowDefinition)? {
        guard let id = current[kind], let workflow = versions[id] else { return nil }
        return (id, workflow)
    }

    public func workflow(version id: Int) -> WorkflowDefinition? { versions[id] }

    /// Stores each loaded workflow by the sha256 of its source (once), then reads back every
    /// stored version so cases pinned to older ones still decide by their own rules.
    public static func register(_ configuration: OversightConfiguration, pool: PostgresPool) async throws -> WorkflowCatalog {
        let sources = configuration.workflowSources
        let rows = try await pool.withTransaction { connection in
            for (kind, source) in sources.sorted(by: { $0.key < $1.key }) {
                let digest = SHA256.hash(data: Data(source.utf8)).map { String(format: "%02x", $0) }.joined()
                try connection.execute(
                    """
                    INSERT INTO workflow_versions (kind, sha256, definition)
                    VALUES (\(kind.rawValue), \(digest), jsonb_build_object('source', \(source)::text))
                    ON CONFLICT (kind, sha256) DO NOTHING
                    """)
            }
            return try connection.query("SELECT id, kind, sha256, definition ->> 'source' AS source FROM workflow_versions ORDER BY id")
        }
        var versions: [Int: WorkflowDefinition] = [:]
        var current: [CaseKind: Int] = [:]
        for row in rows {
            let id = try row.decode("id", as: Int.self)
            let kind = CaseKind(try row.decode("kind", as: String.self))
            let source = try row.decode("source", as: String.self)
            if let loaded = configuration.workflowSources[kind], loaded == source, let workflow = configuration.workflow(kind) {
                versions[id] = workflow
                current[kind] = id
            } else if let workflow = try? WorkflowDefinition.load(yaml: source, file: "workflow_versions[\(id)]") {
                versions[id] = workflow
            }
        }
        return WorkflowCatalog(current: current, versions: versions)
    }
}
