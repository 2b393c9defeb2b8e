import ArgumentParser

/// `gs-lab bench`: benchmarks by topic.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (release builds only give meaningful figures).",
        subcommands: [RenderBenchmarkCommand.self])
}
