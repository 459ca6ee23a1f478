import ArgumentParser
import ProductVersion

@main
struct IntercomFullStoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intercom-fullstory",
        abstract: "Forward Intercom conversation webhooks to FullStory as custom events.",
        version: ProductVersion.number,
        subcommands: [InvokeCommand.self, SignCommand.self, BackfillCommand.self, SetupCommand.self, ServeCommand.self]
    )
}
