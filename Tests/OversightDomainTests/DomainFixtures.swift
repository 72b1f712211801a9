import Foundation
import OversightDomain
import Testing

/// The shipped `Config/` folder, read from disk and validated once for the routing, access and
/// deadline tests. Named `Fixture...` so it cannot clash with helpers of other test files.
enum FixtureConfiguration {
    /// Every file the loader reads, keyed by its path relative to `Config/`.
    static func files() throws -> ConfigurationFiles {
        try configurationFiles(at: packageRoot.appendingPathComponent("Config"))
    }

    private static let loaded: Result<OversightConfiguration, any Error> = Result {
        try OversightConfiguration.load(files())
    }

    /// The validated shipped configuration; throws (failing the test) when it does not load.
    static func shipped() throws -> OversightConfiguration { try loaded.get() }

    /// The shipped workflow of `kind`, or a test failure.
    static func workflow(_ kind: CaseKind, sourceLocation: SourceLocation = #_sourceLocation) throws -> WorkflowDefinition {
        try #require(try shipped().workflow(kind), "no shipped workflow \(kind)", sourceLocation: sourceLocation)
    }
}

/// Office codes and actors, built tersely.
enum FixtureOrg {
    static func code(_ text: String) -> OfficeCode {
        guard let code = OfficeCode(text) else { preconditionFailure("\(text) is not an office code") }
        return code
    }

    static func actor(_ id: String, _ memberships: (String, Role)...) -> Actor {
        Actor(id: id, memberships: Set(memberships.map { OfficeMembership(office: code($0.0), role: $0.1) }))
    }
}

/// Fixed instants, built from calendar days so no test depends on the clock.
enum FixtureTime {
    static let day: TimeInterval = 86_400
    static let hour: TimeInterval = 3_600

    /// `day` (`YYYY-MM-DD`, UTC) at `hour`:00.
    static func at(_ text: String, hour: Int = 0) -> Date {
        guard let day = CalendarDay(text) else { preconditionFailure("\(text) is not a calendar day") }
        return Date(timeIntervalSince1970: Double(day.index) * Self.day + Double(hour) * Self.hour)
    }
}
