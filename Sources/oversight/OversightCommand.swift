import ArgumentParser

@main
struct OversightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight",
        abstract: "Case management for an organization's oversight offices.",
        discussion: """
            Staff file cases (by name or anonymously); the service routes each to the responsible \
            oversight office and workflow, keeps a tamper-evident history of every change, and \
            produces the offices' reports.

            Settings come from Config/oversight.yaml (or --config / OVERSIGHT_CONFIG), then \
            OVERSIGHT_* environment variables, then command-line flags, each overriding the one \
            before. With no database URL configured, the service starts a private PostgreSQL \
            in .oversight/postgres/ and stops it on exit.
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, TokenCommand.self, VerifyAuditCommand.self, CheckpointCommand.self, DirectoryCommand.self,
            SeedCommand.self,
            ConfigCommand.self, WorkflowCommand.self, OutboxCommand.self, ReportCommand.self, PurgeCommand.self, KeysCommand.self,
        ]
    )
}
