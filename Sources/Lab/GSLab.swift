import ArgumentParser
import Protocol

/// `gs-lab`: offline experiments, paper reproductions and benchmarks.
@main
struct GSLab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gs-lab",
        abstract: "Offline experiments, paper reproductions and benchmarks for splatedge.",
        version: SplatedgeVersion.current,
        subcommands: [
            SolveCommand.self,
            RenderCommand.self,
            WorldCommand.self,
            TrainCommand.self,
            WorldDatasetCommand.self,
            GradCommand.self,
            CompressCommand.self,
            GSMRCommand.self,
            IRACCommand.self,
            ILOCommand.self,
            STTGSCommand.self,
            SCCCommand.self,
            BenchCommand.self,
        ])
}
