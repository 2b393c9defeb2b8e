import ArgumentParser

/// `gs-lab bench`: throughput and latency benchmarks, one subcommand per topic.
///
/// Figures are only meaningful from a release build (`swift build -c release --product gs-lab`).
/// To add a topic, put its command in its own file and add one line to `subcommands`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (run a release build).",
        subcommands: [
            ProtocolBenchCommand.self,
            RenderBenchCommand.self,
            TrainBenchCommand.self,
            GSMRBenchCommand.self,
            IRACBenchCommand.self,
            STTGSBenchCommand.self,
            DaemonBenchCommand.self,
            HTTPClientBenchCommand.self,
        ])
}
