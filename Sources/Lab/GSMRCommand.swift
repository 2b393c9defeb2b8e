import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab gsmr …`: GSMR instance generation and the paper's experiment sweeps.
struct GSMRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gsmr",
        abstract: "GSMR (content switching and power control for robot MR): instances and paper sweeps.",
        subcommands: [GSMRGenerateCommand.self, GSMRSweepCommand.self])
}

/// Settings shared by the GSMR commands: the scenario seed and where the losses come from.
struct GSMRSourceOptions: ParsableArguments {
    @Option(help: "Seed of the channel realisations (keyed by seed, run, frame).")
    var seed: UInt64 = 1

    @Option(help: "Seed of the synthetic loss source (L_t; see docs/GSMR.md).")
    var lossSeed: UInt64 = 7

    @Option(help: "Frames per run (paper: 288).")
    var frames: Int = 288

    /// The per-frame loss source. Only the documented synthetic source exists until the
    /// renderer-backed one is plugged in here.
    var lossSource: any FrameLossSource { SyntheticFrameLosses(seed: lossSeed) }

    /// The paper scenario with these settings.
    func scenario(powerMilliwatts: Double, kFactorDB: Double) -> GSMRScenario {
        var scenario = GSMRScenario(powerBudget: powerMilliwatts * 1e-3, kFactorDB: kFactorDB, seed: seed)
        scenario.frames = frames
        return scenario
    }
}

/// `gs-lab gsmr generate`: writes paper-setting instances (SPEC appendix JSON).
struct GSMRGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write GSMR instances with the paper's §VII settings (robust fields and L_th included).")

    @OptionGroup var source: GSMRSourceOptions

    @Option(help: "Average power budget P in mW.")
    var powerMw: Double = 10

    @Option(help: "Rician K-factor in dB.")
    var kDb: Double = 0

    @Option(help: "Number of runs (one file each).")
    var runs: Int = 1

    @Option(help: "Output directory.")
    var out: String = "."

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenario = source.scenario(powerMilliwatts: powerMw, kFactorDB: kDb)
        for run in 0..<runs {
            let instance = try scenario.instance(run: run, losses: source.lossSource)
            let name = String(format: "gsclo-P%gmW-K%gdB-run%02d.json", powerMw, kDb, run)
            try instance.encoded().write(to: directory.appendingPathComponent(name))
            print(directory.appendingPathComponent(name).path)
        }
    }
}
