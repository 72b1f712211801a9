import ArgumentParser
import Foundation
import OversightDomain
import OversightServer
import OversightStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Produce an oversight report (JSON, CSV or HTML), or rebuild the report rollups.",
        discussion: """
            Reports: \(ReportName.allCases.map(\.rawValue).joined(separator: ", ")).

            Without --for-office the report is the published aggregate (every office, small \
            counts withheld as the API shows them to executives and report readers); with \
            --for-office CODE it is that office's own full report. The numbers come from the \
            report rollup, kept with every change; `oversight report backfill` rebuilds it from \
            the cases and their history (after a bulk load or a migration).

            Example: oversight report caseload --from 2026-01 --to 2026-12 --format html -o caseload.html
            """,
        subcommands: [Produce.self, Backfill.self],
        defaultSubcommand: Produce.self
    )

    struct Produce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "produce", abstract: "Produce one report (the default).")

        @Argument(help: "The report: \(ReportName.allCases.map(\.rawValue).joined(separator: ", ")).")
        var name: String

        @Option(help: "First month of the period, YYYY-MM (default: twelve months ago).")
        var from: String?

        @Option(help: "Last month of the period, YYYY-MM (default: this month).")
        var to: String?

        @Option(help: "Only this office's cases (an office code).")
        var office: String?

        @Option(help: "Only this kind of case (investigation, audit, ...).")
        var kind: String?

        @Option(help: "Only this region.")
        var region: String?

        @Option(help: "Only this country office.")
        var countryOffice: String?

        @Option(help: "The office whose members the report is for, in full; default: the published aggregate.")
        var forOffice: String?

        @Option(help: "json, csv or html.")
        var format: String = "json"

        @Option(name: [.customShort("o"), .long], help: "Write to this file instead of standard output.")
        var output: String?

        @OptionGroup var settingsOptions: SettingsOptions

        func validate() throws {
            guard ReportName(rawValue: name) != nil else {
                throw ValidationError("unknown report \"\(name)\"; reports: \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard ReportService.Format(rawValue: format) != nil else { throw ValidationError("--format must be json, csv or html") }
            if let forOffice, OfficeCode(forOffice) == nil { throw ValidationError("--for-office takes an office code (OIG, ECO, ...)") }
        }

        func run() async throws {
            let settings = try settingsOptions.load()
            let logger = bootstrapLogging(settings)
            let configuration = try loadConfiguration(settings.policyDirectory)
            let runtime = try await openDatabase(settings, logger: logger, migrate: true)
            do {
                let reports = ReportService(source: ReportRollup(pool: runtime.reportPool ?? runtime.pool), configuration: configuration)
                let period = try reports.period(from: from, to: to)
                let filters = try reports.filters(office: office, kind: kind, region: region, countryOffice: countryOffice)
                let audience: ReportAudience = forOffice.flatMap(OfficeCode.init).map { .office($0, head: true) } ?? .organization
                let document = try await reports.document(ReportName(rawValue: name)!, period: period, filters: filters, audience: audience)
                let text = try ReportService.render(document, as: ReportService.Format(rawValue: format)!)
                if let output {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                    print("wrote \(document.title) (\(document.period.from) to \(document.period.to), \(format)) to \(output)")
                } else {
                    print(text, terminator: "")
                }
            } catch {
                let message = (error as? Problem)?.detail ?? "\(error)"
                FileHandle.standardError.write(Data("oversight report: \(message)\n".utf8))
                await runtime.shutdown()
                throw ExitCode.failure
            }
            await runtime.shutdown()
        }
    }

    struct Backfill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the report rollups from the cases and their history (as the schema owner), in one transaction.")

        @OptionGroup var settingsOptions: SettingsOptions

        func run() async throws {
            let settings = try settingsOptions.load()
            let logger = bootstrapLogging(settings)
            let runtime = try await openDatabase(settings, logger: logger, migrate: false)
            do {
                let started = ContinuousClock.now
                let cells = try await runtime.withOwner { owner in try await ReportRollup.rebuild(ownerPool: owner) }
                let elapsed = ContinuousClock.now - started
                print(
                    "rebuilt the report rollups: \(cells) cells in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))"
                )
            } catch {
                FileHandle.standardError.write(Data("oversight report backfill: \(error)\n".utf8))
                await runtime.shutdown()
                throw ExitCode.failure
            }
            await runtime.shutdown()
        }
    }
}
