import ArgumentParser
import Foundation
import Optimizers
import Renderer
import Scenarios
import Training

/// How ECO-GS's device model is made from the edge's large model.
enum SmallModelKind: String, ExpressibleByArgument, CaseIterable {
    /// SceneCompressor's pruned, area-compensated SH-0 copy.
    case pruned
    /// The pruned copy distilled from the large model's renders (SceneDistillation).
    case distilled
}

/// `--small-model pruned|distilled` and the distillation's settings, shared by the IRAC commands.
struct SmallModelOptions: ParsableArguments {
    @Option(help: "Small model (world source): pruned, or distilled from the large model's renders.")
    var smallModel: SmallModelKind = .pruned

    @Option(help: "Distillation steps.")
    var distillIterations = 2000

    @Option(help: "Distillation: training views (random cameras in the room).")
    var distillViews = 96

    @Option(help: "Distillation: held-out views the quality is reported on.")
    var distillHeldOut = 16

    @Option(help: "Distillation: worker threads (results do not depend on it).")
    var distillThreads = 2

    @Flag(help: "Store the small model as fp16.")
    var fp16 = false

    /// The distillation settings these flags give.
    var settings: SceneDistillation.Settings {
        get throws {
            guard distillIterations >= 0, distillViews >= 1, distillHeldOut >= 1, distillThreads >= 1 else {
                throw ValidationError("--distill-iterations must be ≥ 0; --distill-views, --distill-held-out and --distill-threads ≥ 1")
            }
            var settings = SceneDistillation.Settings()
            (settings.iterations, settings.halfPrecision, settings.threads) = (distillIterations, fp16, distillThreads)
            return settings
        }
    }

    /// Distils `small`'s model, printing progress every 250 steps and the result.
    func distill(_ small: WorldSmallModel) throws -> SceneDistillation.Result {
        let clock = Stopwatch()
        let result = try small.distilled(trainingViews: distillViews, heldOutViews: distillHeldOut, settings: settings) { report in
            guard report.iteration % 250 == 0 else { return }
            print(
                String(
                    format: "distillation step %d/%d: loss %.4f, training PSNR %.2f dB, %.0f s",
                    report.iteration, distillIterations, report.loss, report.psnr, clock.elapsedSeconds))
        }
        print(
            String(
                format: "distilled %d Gaussians: held-out PSNR vs the large model %.2f → %.2f dB in %.0f s",
                result.model.scene.count, result.initial.psnr, result.trained.psnr, clock.elapsedSeconds))
        return result
    }

    /// ECO-GS switching gains in `world`'s world against the small model these flags select,
    /// keeping `fraction` of the Gaussians, users in a cell of side `areaSide` metres.
    func switchingGains(world: ScenarioSourceOptions, areaSide: Double, fraction: Double) throws -> WorldSwitchingGains {
        let probe = try world.probe()
        let small = try WorldSmallModel(probe: probe, fraction: fraction)
        switch smallModel {
        case .pruned:
            return try WorldSwitchingGains(probe: probe, smallTarget: .fraction(fraction), halfPrecision: fp16, areaSide: areaSide)
        case .distilled:
            let model = try distill(small).model
            return try WorldSwitchingGains(
                probe: probe, smallScene: model.scene, areaSide: areaSide,
                smallDescription: "\(model.scene.count) Gaussians SH0\(fp16 ? " fp16" : "") distilled \(distillIterations) steps, \(model.bytes) B")
        }
    }
}
