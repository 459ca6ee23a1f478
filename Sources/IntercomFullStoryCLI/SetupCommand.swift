import ArgumentParser
import FileContents
import IntercomFullStoryFunction
import ServiceSettings
import Setup

/// `intercom-fullstory setup`: what session pinning needs in Intercom and FullStory, checked and created.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Check the Intercom token and FullStory key, and create the Intercom attributes session pinning needs.",
        discussion: """
            Configured by the function's variables: INTERCOM_ACCESS_TOKEN (required), INTERCOM_API_URL, \
            FULLSTORY_API_KEY (checked when set), FULLSTORY_API_URL, FULLSTORY_SESSION_ATTRIBUTE. Creates the \
            contact attribute (Messenger-writable, for the browser snippet) and the conversation attribute (through \
            Intercom's Unstable API version; otherwise it prints the steps to create it by hand). Idempotent. Exit \
            status 0 when everything is in place, 1 when a step failed or is left to do by hand, 64 for a usage error.
            """
    )

    @Flag(help: "Check and print what would be created; change nothing.")
    var dryRun = false

    func validate() throws {
        do {
            _ = try SetupConfiguration(environment: ProcessEnvironment.variable)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let configuration: SetupConfiguration
        do {
            configuration = try SetupConfiguration(environment: ProcessEnvironment.variable)
        } catch {
            throw ValidationError(error.description)
        }
        let run = SetupRun(configuration: configuration, dryRun: dryRun) { line in FileIO.writeStandardOutput(Array(line.utf8)) }
        do {
            try run.run()
        } catch {
            FileDescriptor.writeAll(Array("intercom-fullstory setup: \(error)\n".utf8), to: 2)
            throw ExitCode.failure
        }
        if run.exitStatus != 0 { throw ExitCode(run.exitStatus) }
    }
}
