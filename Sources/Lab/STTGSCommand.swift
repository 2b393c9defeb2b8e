import ArgumentParser
import Foundation
import Optimizers
import Renderer
import Scenarios

/// `gs-lab sttgs generate|sweep|train-eval`: STT-GS instances and the paper's experiments.
struct STTGSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sttgs",
        abstract: "STT-GS (sample-then-transmit edge GS): generate instances, run the paper's sweeps.",
        subcommands: [STTGSGenerateCommand.self, STTGSSweepCommand.self, STTGSTrainEvalCommand.self])
}

/// `gs-lab sttgs generate`: instances with the paper's settings; the clients' datasets are
/// recorded in the procedural world unless `--source synthetic`.
struct STTGSGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write STT-GS instances (SPEC appendix JSON) with the paper's settings and world-recorded or synthetic datasets.")

    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var output: GeneratedInstanceOptions
    @Option(help: "Number of clients K.") var clients = 5
    @Option(help: "Pilot sampling scheme: fdc, random or uniform.") var sampling = "fdc"
    @Option(help: "Sampling ratio ρ.") var ratio = 0.1
    @Option(help: "Total power budget P_sum in mW.") var psumMW = 300.0
    @Option(help: "Time budget T in seconds.") var timeS = 350.0
    @Option(help: "Images per client: low,high of the uniform draw (paper: about 280).") var images = "250,310"
    @Option(help: "World source: also write every client's images as PNG under this directory.") var imagesOut: String?
    @Flag(help: "Pin T0_s and eta (from PTTM) in the instance so every tool solves the same stage 2.") var pinStageTwo = false

    func run() throws {
        guard let scheme = PilotSampling(rawValue: sampling) else {
            throw ValidationError("unknown sampling '\(sampling)'; use fdc, random or uniform")
        }
        let range = images.split(separator: ",").compactMap { Int($0) }
        guard range.count == 2, range[0] >= 1, range[0] <= range[1] else { throw ValidationError("--images must be low,high with 1 ≤ low ≤ high") }
        let probe = try world.usesWorld ? world.probe() : nil
        for seed in try output.seeds() {
            var scenario = STTGSScenario(clients: clients, seed: seed)
            scenario.samplingRatio = ratio
            scenario.powerSum = psumMW / 1000
            scenario.timeBudget = timeS
            (scenario.imagesLow, scenario.imagesHigh) = (range[0], range[1])
            let datasets = try STTGSDatasetBank.datasets(for: scenario, probe: probe, imagesOut: imagesOut.map { "\($0)/sttgs-\(seed)" })
            let generated = try scenario.generate(datasets: datasets.data, sampling: scheme)
            var instance = generated.instance
            if pinStageTwo {
                let stage = try instance.stageTwo()
                instance.pilotTime = stage.pilotTime
                instance.rateTargets = stage.rateTargets
            }
            try output.write(
                instanceJSONObject(
                    instance,
                    extras: [
                        "synthetic": probe == nil,
                        "loss_source": datasets.label,
                        "generator": [
                            "seed": seed, "sampling": sampling, "rho": ratio, "antennas": scenario.antennas,
                            "rician_dB": scenario.ricianDB, "shadowing_dB": scenario.shadowingDB, "noise_dBm": scenario.noiseDBm,
                        ],
                        "positions_m": generated.positions,
                        "pi_true": generated.trueLoss,
                        "pilots": generated.pilots,
                    ]), problem: "sttgs", seed: seed)
        }
    }
}
