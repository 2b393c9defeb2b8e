import ArgumentParser
import Protocol

/// `edge-serverd`: the splatedge edge daemon.
@main
struct EdgeServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-serverd",
        abstract: "The splatedge edge daemon: renders Gaussian-splat frames and schedules wireless clients.",
        version: SplatedgeVersion.current)
}
