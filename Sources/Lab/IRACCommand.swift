import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab irac generate|sweep`: ECO-GS instances and the paper-style comparison of schemes.
struct IRACCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irac",
        abstract: "ECO-GS / IRAC: generate instances, sweep every scheme over the power budget.",
        subcommands: [IRACGenerateCommand.self, IRACSweepCommand.self])
}

/// Scenario flags shared by the IRAC commands (SPEC §3 defaults).
struct IRACScenarioOptions: ParsableArguments {
    @Option(help: "Users K.") var users = 10
    @Option(help: "Edge antennas N.") var antennas = 64
    @Option(help: "K_max, the most users the edge renders for.") var kMax = 5
    @Option(help: "Frame size D in Mbit.") var frameMbit = 16.0
    @Option(help: "Edge rendering time t_e in ms.") var edgeMs = 20.0
    @Option(help: "Latency budget T_max in ms.") var budgetMs = 100.0
    @Option(help: "Bandwidth per user in MHz.") var bandwidthMHz = 20.0
    @Option(help: "Noise power in dBm.") var noiseDBm = -90.0
    @Option(help: "Median synthetic switching gain Δ.") var deltaMedian = 0.01
    @Option(help: "Std-dev of log Δ (synthetic source).") var deltaSpread = 0.6

    /// The scenario these flags describe, at power budget `powerMW`.
    func scenario(powerMW: Double) -> IRACScenario {
        var scenario = IRACScenario()
        scenario.userCount = users
        scenario.antennas = antennas
        scenario.maxUsers = kMax
        scenario.frameBits = frameMbit * 1e6
        scenario.edgeRenderTime = edgeMs / 1e3
        scenario.latencyBudget = budgetMs / 1e3
        scenario.bandwidth = bandwidthMHz * 1e6
        scenario.noisePower = pow(10, (noiseDBm - 30) / 10)
        scenario.powerBudget = powerMW / 1e3
        scenario.gainSource = SyntheticSwitchingGains(median: deltaMedian, spread: deltaSpread)
        return scenario
    }
}

/// `gs-lab irac generate`: instance JSON files (SPEC appendix) with the generator's settings
/// recorded as extra keys.
struct IRACGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write IRAC instance files from seeded random user placements.")

    @OptionGroup var scenario: IRACScenarioOptions
    @Option(help: "Power budget P in mW.") var powerMw = 5.0
    @Option(help: "Seed of the first instance.") var seed: UInt64 = 1
    @Option(help: "Number of instances (seeds seed, seed+1, …).") var count = 1
    @Option(help: "Output directory.") var out = "."

    func run() throws {
        let settings = scenario.scenario(powerMW: powerMw)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for offset in 0..<count {
            let instanceSeed = seed + UInt64(offset)
            let instance = try settings.instance(seed: instanceSeed)
            guard var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(instance)) as? [String: Any] else {
                throw OptimizerError(.numerical, "instance did not encode to a JSON object")
            }
            json["seed"] = instanceSeed
            json["delta_source"] = settings.gainSource.label
            json["positions_m"] = settings.positions(seed: instanceSeed).map { [$0.x, $0.y] }
            json["antennas"] = settings.antennas
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted])
            let path = "\(out)/irac-\(instanceSeed).json"
            try data.write(to: URL(fileURLWithPath: path))
            print(path)
        }
    }
}
