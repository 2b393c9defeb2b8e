import ArgumentParser
import Foundation
import Optimizers
import Scenarios

/// `gs-lab irac generate|sweep`: ECO-GS instances and the paper-style comparison of schemes.
struct IRACCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irac",
        abstract: "ECO-GS / IRAC: generate instances, sweep every scheme over the power budget.",
        subcommands: [IRACGenerateCommand.self, IRACSweepCommand.self, IRACSmallModelCommand.self])
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
    @Option(help: "Small model (world source): fraction of the world's Gaussians kept at SH 0 (area-compensated); Table I's ratio is 0.083.")
    var smallFraction: Double = WorldSwitchingGains.defaultKeptFraction

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
/// recorded as extra keys; Δ_k rendered in the procedural world unless `--source synthetic`.
struct IRACGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write IRAC instance files from seeded user placements (Δ_k from the world or synthetic).")

    @OptionGroup var scenario: IRACScenarioOptions
    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var smallModel: SmallModelOptions
    @OptionGroup var output: GeneratedInstanceOptions
    @Option(help: "Power budget P in mW.") var powerMw = 5.0

    func run() throws {
        var settings = scenario.scenario(powerMW: powerMw)
        let worldGains =
            try world.usesWorld ? smallModel.switchingGains(world: world, areaSide: settings.areaSide, fraction: scenario.smallFraction) : nil
        for instanceSeed in try output.seeds() {
            var extras: [String: Any] = [
                "seed": instanceSeed, "antennas": settings.antennas,
                "positions_m": settings.positions(seed: instanceSeed).map { [$0.x, $0.y] },
            ]
            if let worldGains {
                // Render once; the PSNRs of the small model ride along for the sweep and readers.
                let views = try worldGains.views(positions: settings.positions(seed: instanceSeed), seed: instanceSeed)
                settings.gainSource = RecordedSwitchingGains(label: worldGains.label, gains: [instanceSeed: views.map(\.switchingGain)])
                extras["small_model_psnr_dB"] = views.map { min(100, $0.comparison.psnr) }  // JSON has no ∞
            }
            extras["delta_source"] = settings.gainSource.label
            extras["synthetic"] = worldGains == nil
            try output.write(instanceJSONObject(settings.instance(seed: instanceSeed), extras: extras), problem: "irac", seed: instanceSeed)
        }
    }
}
