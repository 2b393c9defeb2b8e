import Foundation
import SeededRandom
@testable import Optimizers
import Wireless

/// Seeded random P_GS instances for the tests: paper-scale physics (σ² = −60 dBm, I, S, τ, B of
/// §VII, mean gain 1e−6) with Rayleigh gains, losses that are sometimes zero or tied, and a
/// budget between "poses only" and "all images".
enum GSMRTestInstances {
    /// How the frames' channel gains are drawn.
    enum Gains {
        /// Rayleigh fading: gains (and knapsack weights) spread over orders of magnitude.
        case rayleigh
        /// Rician fading with K = 30 dB: gains within a few percent of each other, so the
        /// knapsack weights are nearly equal (the hard case for branch and bound).
        case strongLineOfSight
        /// One gain for every frame: equal weights.
        case equal
    }

    static func random(frames: Int, seed: UInt64, equalGains: Bool = false) -> GSCLOInstance {
        random(frames: frames, seed: seed, gains: equalGains ? .equal : .rayleigh)
    }

    static func random(frames: Int, seed: UInt64, gains model: Gains) -> GSCLOInstance {
        var generator = SeededGenerator(seed: seed, stream: 77, index: UInt64(frames))
        let losses = (0..<frames).map { _ -> Double in
            let u = generator.nextUnit()
            if u < 0.1 { return 0 }
            if u < 0.2 { return 0.05 }  // ties
            return generator.nextUniform(in: 0.001..<0.3)
        }
        let common = 1e-6 * (-log(1 - generator.nextUnit()) + 0.05)
        let kFactor = 1000.0  // 30 dB
        let gains = (0..<frames).map { _ -> Double in
            switch model {
            case .rayleigh: 1e-6 * (-log(1 - generator.nextUnit()) + 0.02)
            case .equal: common
            case .strongLineOfSight:
                // |h|² with h = √(K/(K+1)) + CN(0, 1/(K+1)).
                1e-6
                    * (pow((kFactor / (kFactor + 1)).squareRoot() + generator.nextGaussian() / (2 * (kFactor + 1)).squareRoot(), 2)
                        + pow(generator.nextGaussian(), 2) / (2 * (kFactor + 1)))
            }
        }
        let costs = gains.map { (pose: 1e-9 * (exp2(0.00192) - 1) / $0, image: 1e-9 * (exp2(5.376) - 1) / $0) }
        let poses = costs.reduce(0) { $0 + $1.pose }
        let images = costs.reduce(0) { $0 + $1.image }
        let fraction = generator.nextUniform(in: 0.02..<0.9)
        let budget = (poses + fraction * (images - poses)) / Double(frames)
        return try! GSCLOInstance(
            frames: frames, slotSeconds: 0.1, bandwidth: 1e6, noise: 1e-9, imageBits: 537_600,
            poseBits: 192, powerBudget: budget, losses: losses, gains: gains, lossThreshold: 0.05)
    }

    /// Power to carry `bits` for frame t, computed from Wireless/Shannon (independent of
    /// the solvers' FrameCosts).
    static func power(_ instance: GSCLOInstance, _ t: Int, image: Bool) -> Double {
        Shannon.minimumPower(
            bits: image ? instance.imageBits : instance.poseBits, duration: instance.slotSeconds,
            bandwidth: instance.bandwidth, noise: instance.noise, gain: instance.gains[t])
    }

    /// Every x ∈ {0,1}^T, as bit masks.
    static func enumerate(_ frames: Int, _ body: ([Bool]) -> Void) {
        for mask in 0..<(1 << frames) {
            body((0..<frames).map { mask & (1 << $0) != 0 })
        }
    }

    /// min over x of the mean loss with Σ c_t(x_t) ≤ T·P, by enumerating {0,1}^T in Gray-code
    /// order (one flip per step, so the running power and loss update in O(1)).
    static func bruteForceLoss(_ instance: GSCLOInstance) -> Double {
        let frames = instance.frames
        let pose = (0..<frames).map { power(instance, $0, image: false) }
        let image = (0..<frames).map { power(instance, $0, image: true) }
        var x = [Bool](repeating: false, count: frames)
        var spent = pose.reduce(0, +), lost = instance.losses.reduce(0, +)
        let budget = instance.totalBudget * (1 + 1e-12)
        var best = spent <= budget ? lost : Double.infinity
        for step in 1..<(1 << frames) {
            let t = step.trailingZeroBitCount
            x[t].toggle()
            spent += x[t] ? image[t] - pose[t] : pose[t] - image[t]
            lost += x[t] ? -instance.losses[t] : instance.losses[t]
            if spent <= budget { best = min(best, lost) }
        }
        return best / Double(frames)
    }
}
