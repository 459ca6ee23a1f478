import ArgumentParser

@main
struct IntercomFullStoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intercom-fullstory",
        abstract: "Forward Intercom conversation webhooks to FullStory as custom events.",
        subcommands: [InvokeCommand.self, SignCommand.self, BackfillCommand.self]
    )
}
