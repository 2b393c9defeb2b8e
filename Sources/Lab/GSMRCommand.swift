import ArgumentParser
import Foundation
import Optimizers
import Scenarios

/// `gs-lab gsmr …`: GSMR instance generation and the paper's experiment sweeps.
struct GSMRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gsmr",
        abstract: "GSMR (content switching and power control for robot MR): instances and paper sweeps.",
        subcommands: [GSMRGenerateCommand.self, GSMRSweepCommand.self, GSMRMemoryCommand.self])
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
    /// against the memory `memory` selects (cached per run, so each route is rendered — and
    /// each trained memory trained — once per command) or the synthetic source.
    func lossSource(_ world: ScenarioSourceOptions, memory: GSMRMemoryOptions) throws -> any FrameLossSource {
        guard world.usesWorld else { return lossSource }
        return CachedFrameLosses(try WorldFrameLosses(probe: world.probe(), memory: memory.selected, log: { print($0) }))
    }

    /// The paper scenario with these settings.
    func scenario(powerMilliwatts: Double, kFactorDB: Double) -> GSMRScenario {
        var scenario = GSMRScenario(powerBudget: powerMilliwatts * 1e-3, kFactorDB: kFactorDB, seed: seed)
        scenario.frames = frames
        return scenario
    }
}

/// Which GS memory the world source renders L_t from.
enum GSMRMemoryKind: String, ExpressibleByArgument, CaseIterable {
    /// The procedural world's memory scene (reality minus the changes; unchanged regions have L = 0).
    case procedural
    /// A GS model trained on the robot's first lap of the route (papers/gsmr-gsclo.txt §IV-A).
    case trained
}

/// `--memory procedural|trained` and the trained memory's settings.
struct GSMRMemoryOptions: ParsableArguments {
    @Option(help: "GS memory (world source): procedural, or trained on the robot's first lap (H frames).")
    var memory: GSMRMemoryKind = .procedural

    @Option(help: "Trained memory: H, the first lap's training frames.")
    var memoryFrames = FirstLapMemory().frames

    @Option(help: "Trained memory: optimisation steps.")
    var memoryIterations = FirstLapMemory().iterations

    @Option(help: "Trained memory: start points (reality's centres with 2 cm noise).")
    var memoryPoints = FirstLapMemory().points

    @Option(help: "Trained memory: worker threads (results do not depend on it).")
    var memoryThreads = 2

    /// The memory these options select.
    var selected: WorldFrameLosses.Memory {
        get throws {
            guard memory == .trained else { return .procedural }
            guard memoryFrames >= 1, memoryIterations >= 0, memoryPoints >= 1, memoryThreads >= 1 else {
                throw ValidationError("--memory-frames, --memory-points and --memory-threads must be ≥ 1, --memory-iterations ≥ 0")
            }
            var lap = FirstLapMemory()
            (lap.frames, lap.iterations, lap.points, lap.threads) = (memoryFrames, memoryIterations, memoryPoints, memoryThreads)
            return .firstLap(lap)
        }
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
    @OptionGroup var memory: GSMRMemoryOptions
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
        let losses = try source.lossSource(world, memory: memory)
        for seed in try output.seeds() {
            source.seed = seed
            let instance = try source.scenario(powerMilliwatts: powerMw, kFactorDB: kDb).instance(run: Int(seed), losses: losses)
            try output.write(
                instanceJSONObject(instance, extras: ["seed": seed, "synthetic": !world.usesWorld]),
                problem: GSCLOInstance.problemKey, seed: seed)
        }
    }
}
