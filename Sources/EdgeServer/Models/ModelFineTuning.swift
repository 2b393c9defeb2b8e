import Foundation
import Protocol
import Renderer
import SlotModel
import Training

/// Fine-tunes the serving model with the reference 3DGS trainer (``GaussianTrainer``) on a
/// ``TrainingSet`` and measures PSNR/SSIM on its held-out views before and after, so that a
/// version whose quality drops is not promoted. The sets: STT-GS step 8, S = Train(E | S′)
/// (STT-GS §III, Algorithm 1), on the samples a round stored (plus up to
/// `training.earlier_rounds` earlier rounds'); and GSMR's memory update, on the images robots
/// uploaded (``MemoryUpdatePlanner``).
///
/// The held-out samples are every `training.hold_out_every`-th of the set ordered by (round,
/// client, index); STT-GS's own evaluation holds out views the same way (Table IV). Beyond the
/// paper: the promotion rule (a version is served only when its held-out PSNR is not below its
/// parent's) — the paper trains once and reports, it never serves the result.
struct ModelFineTuning: Sendable {
    let dataDirectory: String
    let catalog: Catalog
    let configuration: ModelConfiguration

    /// A finished run: the trained scene and its catalog row (number and path still to assign).
    struct Outcome: Sendable {
        var scene: GaussianScene
        var version: ModelVersion
    }

    /// Progress of a run, once per step.
    struct Progress: Sendable, Equatable {
        var iteration: Int
        var loss: Double
    }

    /// The training set of round `round`: its samples and those of the `earlierRounds` latest
    /// stored rounds before it, as training and held-out views.
    func roundSet(_ round: Int) throws -> TrainingSet {
        let earlier = try catalog.sampleRounds().filter { $0 < round }.suffix(configuration.earlierRounds)
        let rounds = Array(earlier) + [round]
        var views: [TrainingView] = []
        for sample in try catalog.samples(rounds: rounds) {
            guard sample.pose.count == 7 else { continue }
            let image = try RGBImage(contentsOfImage: dataDirectory + "/" + sample.path)
            guard let size = ImageSize(width: image.width, height: image.height) else { continue }
            let pose = Pose(
                position: SIMD3(sample.pose[0], sample.pose[1], sample.pose[2]),
                orientation: SIMD4(sample.pose[3], sample.pose[4], sample.pose[5], sample.pose[6]))
            let camera = try pose.camera(intrinsics: size.intrinsics)
            views.append(try TrainingView(name: "\(sample.round)/\(sample.clientID)/\(sample.sampleIndex)", camera: camera, image: image))
        }
        // Names sort as (round, client, index) within a round; the hold-out is by position.
        let held = views.indices.filter { $0 % configuration.holdOutEvery == 0 }
        let test = held.map { views[$0] }
        let train = views.indices.filter { $0 % configuration.holdOutEvery != 0 }.map { views[$0] }
        return TrainingSet(source: .round, train: train, test: test, rounds: rounds)
    }

    /// Trains `base` (version `parent`) on `set`. `progress` sees every step; `cancelled` is
    /// asked between steps (a drain stops the run, which then throws).
    func run(
        base: GaussianScene, parent: Int, set: TrainingSet, progress: (Progress) -> Void, cancelled: () -> Bool
    ) throws -> Outcome {
        let started = ContinuousClock.now
        let (train, test) = (set.train, set.test)
        guard !train.isEmpty, !test.isEmpty else {
            throw ModelError(.storage, "\(set.description) has \(train.count + test.count) views: too few to train and hold out")
        }
        let settings = TrainingConfiguration.fineTuning(
            shDegree: base.shDegree, iterations: configuration.iterations, seed: configuration.seed, threads: 1)
        let trainer = try GaussianTrainer(scene: base, views: train, configuration: settings)
        let before = try Self.quality(trainer, test)
        var recent: [Double] = []
        for _ in 0..<configuration.iterations {
            if cancelled() { throw CancellationError() }
            let step = trainer.step()
            recent = Array((recent + [Double(step.loss)]).suffix(Self.lossWindow))
            progress(Progress(iteration: step.iteration, loss: recent.reduce(0, +) / Double(recent.count)))
        }
        let after = try Self.quality(trainer, test)
        let scene = try trainer.scene.withSHDegree(base.shDegree)
        let version = ModelVersion(
            version: 0, parent: parent, source: set.source.versionSource, path: "", gaussians: scene.count, rounds: set.rounds,
            trainingSamples: train.count, heldOutSamples: test.count, iterations: trainer.iteration,
            finalLoss: recent.isEmpty ? nil : recent.reduce(0, +) / Double(recent.count),
            psnrBefore: before.psnr, ssimBefore: before.ssim, psnrAfter: after.psnr, ssimAfter: after.ssim,
            trainingSeconds: (ContinuousClock.now - started).seconds, promoted: Self.promotes(before: before.psnr, after: after.psnr),
            createdAt: Date())
        return Outcome(scene: scene, version: version)
    }

    /// Held-out quality of the trainer's scene: the pooled PSNR (``GaussianTrainer/Evaluation/pooledPSNR``)
    /// rather than the mean of per-view PSNRs (the reference's metrics script): views of
    /// unchanged regions are rendered by the very model that made them, so their PSNR is
    /// 50–∞ dB, and a mean of dB would be decided by 8-bit noise on views that need no training
    /// rather than by the regions that changed; and mean SSIM.
    static func quality(_ trainer: GaussianTrainer, _ views: [TrainingView]) throws -> (psnr: Double, ssim: Double) {
        let evaluation = try trainer.evaluate(views)
        return (evaluation.pooledPSNR, evaluation.ssim)
    }

    /// Steps averaged into the reported loss.
    static let lossWindow = 20

    /// A version is served when its held-out PSNR is at least its parent's.
    static func promotes(before: Double, after: Double) -> Bool {
        after.isFinite && (after >= before || !before.isFinite)
    }
}
