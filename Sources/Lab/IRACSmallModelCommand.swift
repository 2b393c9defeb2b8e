import ArgumentParser
import Foundation
import Optimizers
import Renderer
import Scenarios
import Training

/// `gs-lab irac small-model`: ECO-GS Table I on our world — the edge's large model against the
/// device's small model, pruned and distilled (fp32 and fp16), each scored against the large
/// model's renders on the same held-out views → `small_model.csv` and `small_model.md`.
struct IRACSmallModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "small-model",
        abstract: "Table I: large vs small GS model (pruned and distilled): PSNR, SSIM, L1, loss, bytes.")

    @OptionGroup var world: ScenarioSourceOptions
    @OptionGroup var smallModel: SmallModelOptions
    @Option(help: "Fractions of the large model's Gaussians kept (0.083 is Table I's size ratio).") var fractions = "0.25,0.083"
    @Option(help: "Output directory.") var out = "results/irac-small-model"

    func run() throws {
        let probe = try world.probe()
        let large = probe.world.memoryScene
        let settings = try smallModel.settings
        var table = STTGSTable(["model", "gaussians", "values per Gaussian", "bytes", "PSNR_dB", "SSIM", "L1", "loss"])
        func add(_ name: String, count: Int, values: Int, bytes: Int, _ e: GaussianTrainer.Evaluation) {
            table.append([name, count, values, bytes, e.psnr, e.ssim, e.l1, 0.8 * e.l1 + 0.2 * (1 - e.ssim)], digits: 4)
        }
        let largeBytes = large.count * SceneCompressor.bytesPerGaussian(shDegree: large.shDegree, halfPrecision: false)
        table.append(["large (edge), the reference", large.count, largeBytes / 4 / large.count, largeBytes, "∞", 1, 0, 0])
        for fraction in try parseList(fractions) {
            let small = try WorldSmallModel(probe: probe, fraction: fraction)
            let result = try smallModel.distill(small)
            let values = SceneCompressor.floatsPerGaussian
            let count = result.model.scene.count
            let label = String(format: "%.1f %%", fraction * 100)
            add("small, pruned \(label)", count: count, values: values, bytes: try small.pruned().bytes, result.initial)
            add(
                "small, distilled \(label)\(settings.halfPrecision ? ", fp16" : "")", count: count, values: values, bytes: result.model.bytes,
                result.trained)
            guard !settings.halfPrecision else { continue }
            let half = SmallModel(scene: result.model.scene.mapValues { Float(Float16($0)) }, halfPrecision: true)
            let heldOut = try SceneDistillation.teacherViews(
                large, cameras: small.cameras(count: smallModel.distillHeldOut, stream: 1, seed: settings.seed),
                prefix: "held-out", threads: settings.threads)
            add(
                "small, distilled \(label), fp16", count: count, values: values, bytes: half.bytes,
                try SceneDistillation.evaluate(half.scene, on: heldOut, threads: settings.threads))
        }
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try table.write(to: directory, name: "small_model")
        let header =
            "World seed \(world.worldSeed), \(large.count) Gaussians at SH \(large.shDegree), \(world.probeSize); metrics of each model's renders against the large model's on "
            + "\(smallModel.distillHeldOut) held-out random views; distillation: \(smallModel.distillIterations) steps on \(smallModel.distillViews) views.\n\n"
        try (header + table.markdown).write(to: directory.appendingPathComponent("small_model.md"), atomically: true, encoding: .utf8)
        print(header + table.markdown)
    }
}
