import Foundation
import Renderer
import SeededRandom

/// Adaptive density control of the reference trainer (Kerbl et al. 2023, §5.2): Gaussians whose
/// mean view-space positional gradient is large are cloned when small (under-reconstruction)
/// and split in two when large (over-reconstruction); nearly transparent and oversized ones are
/// pruned; opacities are periodically reset so that pruning can remove what is not needed.
extension GaussianTrainer {
    /// Adds this view's positional gradient norm (in the reference's NDC units, i.e. the pixel
    /// gradient × ½ image size) and pixel radius to the statistics of every visible Gaussian.
    func updateDensificationStatistics(camera: Camera) {
        guard iteration < configuration.densifyUntil else { return }
        let (halfWidth, halfHeight) = (Float(camera.width) / 2, Float(camera.height) / 2)
        for i in 0..<scene.count where gradient.screenRadii[i] > 0 {
            maxScreenRadius[i] = max(maxScreenRadius[i], gradient.screenRadii[i])
            let gx = gradient.screenMeans[2 * i] * halfWidth, gy = gradient.screenMeans[2 * i + 1] * halfHeight
            gradientSum[i] += (gx * gx + gy * gy).squareRoot()
            gradientViews[i] += 1
        }
    }

    /// Densifies, prunes and resets opacities when the schedule says so.
    func densifyIfDue() {
        let c = configuration
        guard iteration < c.densifyUntil else { return }
        if iteration > c.densifyFrom, c.densifyInterval > 0, iteration % c.densifyInterval == 0 {
            let pruneLargeAfter = c.pruneLargeAfter ?? (c.opacityResetInterval > 0 ? c.opacityResetInterval : Int.max)
            densify(pruneLarge: iteration > pruneLargeAfter)
        }
        if c.opacityResetInterval > 0, iteration % c.opacityResetInterval == 0 { resetOpacities() }
    }

    /// Clones and splits by the positional-gradient statistics, then prunes; the statistics
    /// restart at zero. New Gaussians start with zero Adam moments, as in the reference.
    func densify(pruneLarge: Bool) {
        let c = configuration
        let threshold = Float(c.densifyGradientThreshold)
        let sizeLimit = Float(c.percentDense * extent)
        var clones: [Int] = [], splits: [Int] = []
        for i in 0..<scene.count where gradientViews[i] > 0 && gradientSum[i] / gradientViews[i] >= threshold {
            if largestScale(i) <= sizeLimit { clones.append(i) } else { splits.append(i) }
        }
        let isSplit = Set(splits)
        let kept = (0..<scene.count).filter { !isSplit.contains($0) }
        var grown = scene.subset(kept)
        var first = firstMoment.subset(kept), second = secondMoment.subset(kept)
        var radii = kept.map { maxScreenRadius[$0] }
        let children = splitChildren(of: splits)
        for added in [scene.subset(clones), children] {
            try! grown.append(contentsOf: added)
            let zeros = try! GaussianScene.zeros(count: added.count, shDegree: scene.shDegree)
            try! first.append(contentsOf: zeros)
            try! second.append(contentsOf: zeros)
            radii += [Float](repeating: 0, count: added.count)
        }
        scene = grown
        firstMoment = first
        secondMoment = second

        let minimumLogit = logit(Float(c.pruneOpacity))
        let worldLimit = Float(c.pruneWorldScale * extent)
        let survivors = (0..<scene.count).filter { i in
            if scene.opacityLogits[i] < minimumLogit { return false }
            if pruneLarge && (Double(radii[i]) > c.pruneScreenRadius || largestScale(i) > worldLimit) { return false }
            return true
        }
        if survivors.count < scene.count {
            scene = scene.subset(survivors)
            firstMoment = firstMoment.subset(survivors)
            secondMoment = secondMoment.subset(survivors)
        }
        gradientSum = [Float](repeating: 0, count: scene.count)
        gradientViews = gradientSum
        maxScreenRadius = gradientSum
    }

    /// Two children per parent, centred at samples of the parent's own Gaussian (seeded draws
    /// in parent order) with scales divided by 0.8·2 and the parent's rotation, opacity and SH.
    func splitChildren(of parents: [Int]) -> GaussianScene {
        var random = SeededGenerator(seed: configuration.seed, stream: RandomStream.splits.rawValue, index: UInt64(iteration))
        var children = scene.subset(parents.flatMap { [$0, $0] })
        children.withMutableParameters { p in
            for (k, parent) in parents.flatMap({ [$0, $0] }).enumerated() {
                let g = scene[parent]
                let s = SIMD3(exp(g.logScale.x), exp(g.logScale.y), exp(g.logScale.z))
                let sample = SIMD3<Float>(Float(random.nextGaussian()), Float(random.nextGaussian()), Float(random.nextGaussian())) * s
                let q = g.rotation / max((g.rotation * g.rotation).sum().squareRoot(), 1e-12)
                let offset = Self.rotate(sample, by: q)
                for axis in 0..<3 {
                    p.positions[3 * k + axis] = g.position[axis] + offset[axis]
                    p.logScales[3 * k + axis] = g.logScale[axis] - log(1.6)
                }
            }
        }
        return children
    }

    /// Caps every opacity at `resetOpacity` and clears the opacity group's Adam moments.
    func resetOpacities() {
        let cap = logit(Float(configuration.resetOpacity))
        scene.withMutableParameters { p in
            for i in p.opacityLogits.indices { p.opacityLogits[i] = min(p.opacityLogits[i], cap) }
        }
        for moments in [\GaussianTrainer.firstMoment, \GaussianTrainer.secondMoment] {
            self[keyPath: moments].withMutableParameters { m in
                for i in m.opacityLogits.indices { m.opacityLogits[i] = 0 }
            }
        }
    }

    /// exp of Gaussian `i`'s largest log-scale.
    func largestScale(_ i: Int) -> Float {
        exp(max(scene.logScales[3 * i], scene.logScales[3 * i + 1], scene.logScales[3 * i + 2]))
    }

    /// R(q)·v for a unit quaternion (w, x, y, z).
    static func rotate(_ v: SIMD3<Float>, by q: SIMD4<Float>) -> SIMD3<Float> {
        let (w, x, y, z) = (q.x, q.y, q.z, q.w)
        let r0 = SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y))
        let r1 = SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x))
        let r2 = SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y))
        return SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
    }
}

/// ln(p / (1 − p)).
func logit(_ p: Float) -> Float { log(p / (1 - p)) }
