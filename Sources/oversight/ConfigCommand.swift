import ArgumentParser
import Foundation
import OversightDomain
import OversightServer

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the offices, routing and workflow definitions in Config/.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate Config/ and report every problem, each naming its file and path.",
            discussion: "Exits 0 when the configuration is valid, 1 otherwise."
        )

        @Option(help: "Folder holding offices.yaml, routing.yaml and workflows/.")
        var configDir = ConfigurationDirectory.defaultPath

        func run() throws {
            do {
                let configuration = try ConfigurationDirectory.load(configDir)
                print(
                    "\(configDir): valid: \(configuration.offices.offices.count) offices, \(configuration.routing.categories.count) categories (\(configuration.questionnaires.count) with a questionnaire), \(configuration.workflows.count) workflows (\(configuration.workflows.keys.sorted().map(\.rawValue).joined(separator: ", ")))"
                )
            } catch {
                FileHandle.standardError.write(Data("\(configDir): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

struct WorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "List the workflows, or draw one.",
        subcommands: [List.self, Show.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every workflow with its office and size.")

        @Option(help: "Folder holding offices.yaml, routing.yaml and workflows/.")
        var configDir = ConfigurationDirectory.defaultPath

        func run() throws {
            let configuration = try loadConfiguration(configDir)
            for workflow in configuration.workflows.values.sorted(by: { $0.kind < $1.kind }) {
                let terminal = workflow.states.filter { $0.kind == .terminal }.count
                print(
                    "\(workflow.kind.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)) \(workflow.office.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(workflow.states.count) states (\(terminal) terminal), \(workflow.transitions.count) transitions  \(workflow.title)"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw a workflow: states by kind, transitions labelled with roles.")

        @Argument(help: "The case kind, e.g. investigation or retaliation_review.")
        var kind: String

        @Option(help: "text, mermaid or dot.")
        var format: String = "text"

        @Option(help: "Folder holding offices.yaml, routing.yaml and workflows/.")
        var configDir = ConfigurationDirectory.defaultPath

        func validate() throws {
            guard WorkflowDiagram.Format(rawValue: format) != nil else {
                throw ValidationError("--format must be text, mermaid or dot")
            }
        }

        func run() throws {
            let configuration = try loadConfiguration(configDir)
            guard let workflow = configuration.workflow(CaseKind(kind)) else {
                throw ValidationError(
                    "no workflow \"\(kind)\"; known: \(configuration.workflows.keys.sorted().map(\.rawValue).joined(separator: ", "))")
            }
            print(WorkflowDiagram.render(workflow, as: WorkflowDiagram.Format(rawValue: format)!), terminator: "")
        }
    }
}

/// Loads Config/ or prints every problem and exits 1.
func loadConfiguration(_ path: String) throws -> OversightConfiguration {
    do {
        return try ConfigurationDirectory.load(path)
    } catch {
        FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
        throw ExitCode.failure
    }
}
