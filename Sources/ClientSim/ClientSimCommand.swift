import ArgumentParser
import Protocol

/// `client-sim`: simulated robots, users and collectors over emulated fading links.
@main
struct ClientSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-sim",
        abstract: "Simulated splatedge clients (robots, users, collectors) over emulated fading links.",
        version: SplatedgeVersion.current)
}
