import Foundation
import Optimizers
import Renderer
import Scenarios

/// The client datasets STT-GS instances are generated from: recorded in the procedural world
/// (``WorldClientDatasets``) or the documented synthetic stand-in, with a label for the
/// instance JSON. Sweeps keep world recordings per seed so each is rendered only once.
struct STTGSDatasetBank {
    /// Datasets and where they came from.
    struct Entry {
        var data: any ClientDatasets
        var label: String
    }

    /// World recordings by scenario seed (K = ``clients``).
    private(set) var recorded: [UInt64: Entry] = [:]
    /// The client count the recordings were made for.
    let clients: Int

    /// Records the world datasets of `seeds` (K = `clients`, the scenarios' default sizes) if
    /// `probe` is given; without a probe the bank is empty and every lookup is synthetic.
    init(seeds: [UInt64], clients: Int, probe: WorldProbe?) throws {
        self.clients = clients
        guard let probe else { return }
        let clock = Stopwatch()
        var images = 0
        for seed in seeds {
            let scenario = STTGSScenario(clients: clients, seed: seed)
            recorded[seed] = try Self.datasets(for: scenario, probe: probe)
            images += scenario.datasetSizes().images.reduce(0, +)
        }
        print(String(format: "recorded %d world images for %d seeds in %.1f s", images, seeds.count, clock.elapsedSeconds))
    }

    /// The datasets for `scenario`: the recording of its seed when it has the bank's client
    /// count, synthetic otherwise.
    func datasets(for scenario: STTGSScenario) -> Entry {
        if scenario.clients == clients, let entry = recorded[scenario.seed] { return entry }
        return Entry(data: scenario.syntheticDatasets(), label: Self.syntheticLabel)
    }

    static let syntheticLabel = "SyntheticClientDatasets: region-based features (8x6 HSV-like, 144 values) and losses, see docs/STTGS.md"

    /// Datasets for `scenario`: recorded in `probe`'s world (tours seeded by the scenario's
    /// seed, images optionally written as PNG under `imagesOut`) or synthetic without a probe.
    static func datasets(for scenario: STTGSScenario, probe: WorldProbe?, imagesOut: String? = nil) throws -> Entry {
        guard let probe else { return Entry(data: scenario.syntheticDatasets(), label: syntheticLabel) }
        if let imagesOut { try FileManager.default.createDirectory(atPath: imagesOut, withIntermediateDirectories: true) }
        let data = try WorldClientDatasets(probe: probe, imageCounts: scenario.datasetSizes().images, seed: scenario.seed) { client, index, image in
            guard let imagesOut else { return }
            try image.write(to: String(format: "%@/client%02d-%04d.png", imagesOut, client, index))
        }
        let label =
            "WorldClientDatasets(world seed \(probe.world.seed), \(probe.world.memoryScene.count) Gaussians, probe \(probe.intrinsics.width)x\(probe.intrinsics.height), "
            + "S' = memory scene, features = HSV of 8x6 thumbnail; odd clients drive through the changes)"
        return Entry(data: data, label: label)
    }
}
