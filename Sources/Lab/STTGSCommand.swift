import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab sttgs generate|sweep`: STT-GS instances and the paper's experiments.
struct STTGSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sttgs",
        abstract: "STT-GS (sample-then-transmit edge GS): generate instances, run the paper's sweeps.",
        subcommands: [STTGSGenerateCommand.self, STTGSSweepCommand.self])
}

/// `gs-lab sttgs generate`: one instance with the paper's settings.
struct STTGSGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write an STT-GS instance (SPEC appendix JSON) with the paper's settings and synthetic datasets.")

    @Option(help: "Number of clients K.") var clients = 5
    @Option(help: "Seed of positions, fading, dataset sizes and synthetic images.") var seed: UInt64 = 1
    @Option(help: "Pilot sampling scheme: fdc, random or uniform.") var sampling = "fdc"
    @Option(help: "Sampling ratio ρ.") var ratio = 0.1
    @Option(help: "Total power budget P_sum in mW.") var psumMW = 300.0
    @Option(help: "Time budget T in seconds.") var timeS = 350.0
    @Flag(help: "Pin T0_s and eta (from PTTM) in the instance so every tool solves the same stage 2.") var pinStageTwo = false
    @Option(help: "Output file (standard output if absent).") var out: String?

    func run() throws {
        guard let scheme = PilotSampling(rawValue: sampling) else {
            throw ValidationError("unknown sampling '\(sampling)'; use fdc, random or uniform")
        }
        var scenario = STTGSScenario(clients: clients, seed: seed)
        scenario.samplingRatio = ratio
        scenario.powerSum = psumMW / 1000
        scenario.timeBudget = timeS
        let generated = try scenario.generate(datasets: scenario.syntheticDatasets(), sampling: scheme)
        var instance = generated.instance
        if pinStageTwo {
            let stage = try instance.stageTwo()
            instance.pilotTime = stage.pilotTime
            instance.rateTargets = stage.rateTargets
        }
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(instance)) as! [String: Any]
        object["synthetic"] = true
        object["loss_source"] = "SyntheticClientDatasets: region-based features (8x6 HSV-like, 144 values) and losses, see docs/STTGS.md"
        object["generator"] = ["seed": seed, "sampling": sampling, "rho": ratio, "antennas": scenario.antennas,
                               "rician_dB": scenario.ricianDB, "shadowing_dB": scenario.shadowingDB, "noise_dBm": scenario.noiseDBm]
        object["positions_m"] = generated.positions
        object["pi_true"] = generated.trueLoss
        object["pilots"] = generated.pilots
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        if let out {
            try data.write(to: URL(fileURLWithPath: out))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
