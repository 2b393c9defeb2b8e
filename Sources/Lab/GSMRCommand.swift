import ArgumentParser
import Foundation
import Optimizers
import Scenarios

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

    /// The documented synthetic per-frame loss source (benchmarks, `--source synthetic`).
    var lossSource: any FrameLossSource { SyntheticFrameLosses(seed: lossSeed) }

    /// The per-frame loss source `world` selects: routes rendered in the procedural world
    /// (cached per run, so each route is rendered once per command) or the synthetic source.
    func lossSource(_ world: ScenarioSourceOptions) throws -> any FrameLossSource {
        world.usesWorld ? CachedFrameLosses(try WorldFrameLosses(probe: world.probe())) : lossSource
    }

    /// The paper scenario with these settings.
    func scenario(powerMilliwatts: Double, kFactorDB: Double) -> GSMRScenario {
        var scenario = GSMRScenario(powerBudget: powerMilliwatts * 1e-3, kFactorDB: kFactorDB, seed: seed)
        scenario.frames = frames
        return scenario
    }
}

/// `gs-lab gsmr generate`: writes paper-setting instances (SPEC appendix JSON). Instance
/// `gsclo-S.json` uses channel seed S and run S (in the world: route S, whose index 0 is the
/// perimeter patrol; synthetic: loss stream S).
struct GSMRGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write GSMR instances with the paper's §VII settings (robust fields and L_th included).")

    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var output: GeneratedInstanceOptions

    @Option(help: "Seed of the synthetic loss source (L_t; see docs/GSMR.md).")
    var lossSeed: UInt64 = 7

    @Option(help: "Frames per run (paper: 288).")
    var frames: Int = 288

    @Option(help: "Average power budget P in mW.")
    var powerMw: Double = 10

    @Option(help: "Rician K-factor in dB.")
    var kDb: Double = 0

    func run() throws {
        var source = GSMRSourceOptions()
        source.lossSeed = lossSeed
        source.frames = frames
        let losses = try source.lossSource(world)
        for seed in try output.seeds() {
            source.seed = seed
            let instance = try source.scenario(powerMilliwatts: powerMw, kFactorDB: kDb).instance(run: Int(seed), losses: losses)
            try output.write(instanceJSONObject(instance, extras: ["seed": seed, "synthetic": !world.usesWorld]),
                             problem: GSCLOInstance.problemKey, seed: seed)
        }
    }
}
