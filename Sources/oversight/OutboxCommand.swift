import ArgumentParser
import Foundation
import OversightServer
import OversightStore

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "See and resend webhook deliveries that used up their attempts.",
        discussion: """
            The service posts events to the gateways of Config/webhooks.yaml, retrying failures \
            with backoff; after max_attempts a delivery is dead. List them with \
            `oversight outbox list --failed`, send one again from its first attempt with \
            `oversight outbox retry ID`.
            """,
        subcommands: [List.self, Retry.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead webhook deliveries (id, webhook, kind, attempts, last error).")

        @Flag(help: "Only the deliveries that used up their attempts (the only list there is today).")
        var failed = false

        @OptionGroup var settingsOptions: SettingsOptions

        func validate() throws {
            guard failed else { throw ValidationError("give --failed: the dead letters are what can be listed") }
        }

        func run() async throws {
            let settings = try settingsOptions.load()
            let runtime = try await openDatabase(settings, logger: bootstrapLogging(settings), migrate: false)
            do {
                let dead = try await WebhookOutbox(pool: runtime.pool).failed()
                if dead.isEmpty { print("no failed deliveries") }
                for delivery in dead {
                    print(
                        "\(delivery.id)\t\(delivery.webhook)\t\(delivery.kind)\tattempts \(delivery.attempts)\t"
                            + "event \(delivery.eventID.uuidString.lowercased())\t\(delivery.lastError ?? "-")")
                }
            } catch {
                FileHandle.standardError.write(Data("oversight outbox list: \(error)\n".utf8))
                await runtime.shutdown()
                throw ExitCode.failure
            }
            await runtime.shutdown()
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a dead webhook delivery again, from its first attempt.")

        @Argument(help: "The delivery's id, as `oversight outbox list --failed` shows it.")
        var id: Int

        @OptionGroup var settingsOptions: SettingsOptions

        func run() async throws {
            let settings = try settingsOptions.load()
            let runtime = try await openDatabase(settings, logger: bootstrapLogging(settings), migrate: false)
            let retried: Bool
            do {
                retried = try await WebhookOutbox(pool: runtime.pool).retry(id)
            } catch {
                FileHandle.standardError.write(Data("oversight outbox retry: \(error)\n".utf8))
                await runtime.shutdown()
                throw ExitCode.failure
            }
            await runtime.shutdown()
            guard retried else {
                FileHandle.standardError.write(Data("oversight outbox retry: no failed delivery \(id)\n".utf8))
                throw ExitCode.failure
            }
            print("delivery \(id) will be sent again")
        }
    }
}
