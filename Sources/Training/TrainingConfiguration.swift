/// Every setting of a training run. The defaults are the 3DGS reference trainer's (Kerbl et al.
/// 2023, `arguments/__init__.py` of the INRIA code): learning rates, schedules, densification and
/// pruning thresholds.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Optimisation steps (one view each). Default 30,000.
    public var iterations = 30_000
    /// Position learning rate at the first step, × scene extent. Default 1.6e−4.
    public var positionLearningRateInitial = 1.6e-4
    /// Position learning rate at the last step, × scene extent (exponential decay). Default 1.6e−6.
    public var positionLearningRateFinal = 1.6e-6
    /// Steps over which the position rate decays (nil: the run's `iterations`).
    public var positionLearningRateSteps: Int? = nil
    /// Log-scale learning rate. Default 5e−3.
    public var scaleLearningRate = 5e-3
    /// Raw-quaternion learning rate. Default 1e−3.
    public var rotationLearningRate = 1e-3
    /// Opacity-logit learning rate. Default 5e−2.
    public var opacityLearningRate = 5e-2
    /// Learning rate of the DC SH coefficients. Default 2.5e−3.
    public var shDCLearningRate = 2.5e-3
    /// Learning rate of the higher SH coefficients. Default 2.5e−3 / 20.
    public var shRestLearningRate = 2.5e-3 / 20
    /// Adam's β₁, β₂ and ε (the reference uses ε = 1e−15).
    public var adamBeta1 = 0.9, adamBeta2 = 0.999, adamEpsilon = 1e-15
    /// SSIM weight λ of the loss. Default 0.2.
    public var ssimWeight = 0.2
    /// Which pixels SSIM averages over. Default `.same` (the INRIA trainer); gsplat uses `.valid`.
    public var ssimPadding = TrainingLoss.SSIMPadding.same
    /// The active SH degree starts at 0 and rises by one every this many steps. Default 1000.
    public var shDegreeInterval = 1000
    /// Largest SH degree trained (the scene's own degree caps it). Default 3.
    public var maxSHDegree = 3
    /// The active SH degree of the first step (capped at the trained degree). Default 0, as the
    /// reference trains from points; fine-tuning a trained model starts at its own degree, so
    /// its first renders are the ones it serves.
    public var startSHDegree = 0
    /// Densification runs every `densifyInterval` steps from `densifyFrom` (exclusive) until
    /// `densifyUntil`. Defaults 500, 15,000, 100.
    public var densifyFrom = 500, densifyUntil = 15_000, densifyInterval = 100
    /// Mean view-space positional gradient (in the reference's NDC units: pixels × ½ image
    /// size) above which a Gaussian is cloned or split. Default 2e−4.
    public var densifyGradientThreshold = 2e-4
    /// Gaussians with largest scale ≤ this × extent are cloned, larger ones split. Default 0.01.
    public var percentDense = 0.01
    /// Opacities are reset to at most `resetOpacity` every this many steps (0: never). Default 3000.
    public var opacityResetInterval = 3000
    /// The opacity a reset caps at. Default 0.01.
    public var resetOpacity = 0.01
    /// Gaussians below this opacity are pruned at densification. Default 0.005.
    public var pruneOpacity = 0.005
    /// After the first opacity reset, Gaussians whose pixel radius exceeded this (in any view
    /// since the last densification) or whose largest scale exceeds `pruneWorldScale` × extent
    /// are also pruned. Defaults 20 and 0.1.
    public var pruneScreenRadius = 20.0, pruneWorldScale = 0.1
    /// Size pruning starts after this step (nil: after the first opacity reset, as the reference).
    public var pruneLargeAfter: Int? = nil
    /// Background colour of renders (the reference's default: black).
    public var background: SIMD3<Float> = .zero
    /// Worker threads; results do not depend on it.
    public var threads = 1
    /// Seed of every random choice (view order, split samples).
    public var seed: UInt64 = 0

    /// The reference's defaults.
    public init() {}

    /// Fine-tuning a model that is already trained (STT-GS step 8, S = Train(E | S′)): the
    /// reference's learning rates, every SH degree of the model from the first step (its
    /// first renders are the ones it serves), and no densification, opacity reset or size
    /// pruning. Those three rebuild a model from points; on a trained one they multiply the
    /// Gaussians of the regions that are already right (11k → 170–230k within 200 steps in
    /// the STT-GS experiment) or wipe their opacities, and the held-out quality falls before
    /// it recovers.
    public static func fineTuning(shDegree: Int, iterations: Int, seed: UInt64, threads: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.iterations = iterations
        configuration.maxSHDegree = shDegree
        configuration.startSHDegree = shDegree
        configuration.densifyUntil = 0
        configuration.opacityResetInterval = 0
        configuration.pruneLargeAfter = Int.max
        configuration.seed = seed
        configuration.threads = threads
        return configuration
    }

    /// The position learning rate at `step` (0-based) of a run with scene extent `extent`:
    /// log-linear interpolation from the initial to the final rate (the reference's
    /// `get_expon_lr_func` without delay).
    public func positionLearningRate(step: Int, extent: Double) -> Double {
        let steps = Double(max(1, positionLearningRateSteps ?? iterations))
        let t = min(max(Double(step) / steps, 0), 1)
        let initial = positionLearningRateInitial * extent, final = positionLearningRateFinal * extent
        return exp((1 - t) * log(initial) + t * log(final))
    }
}

import Foundation
