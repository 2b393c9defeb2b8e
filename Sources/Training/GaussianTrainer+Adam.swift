import Dispatch
import Foundation
import Renderer

extension GaussianTrainer {
    /// One Adam step (Kingma & Ba 2015, in PyTorch's arrangement: m̂ = m/(1−β₁ᵗ),
    /// p −= lr·m̂ / (√v/√(1−β₂ᵗ) + ε)) on every parameter group with its own learning rate; the
    /// position rate follows the schedule. Element-wise, so spreading it over threads changes
    /// nothing.
    func adamStep() {
        let c = configuration
        let t = Double(iteration)
        let corrections = AdamCorrections(
            beta1: Float(c.adamBeta1), beta2: Float(c.adamBeta2), epsilon: Float(c.adamEpsilon),
            firstBias: Float(1 - pow(c.adamBeta1, t)), secondBiasRoot: Float((1 - pow(c.adamBeta2, t)).squareRoot()))
        let positionRate = Float(c.positionLearningRate(step: iteration - 1, extent: extent))
        let threads = c.threads
        let shStride = 3 * scene.coefficientsPerChannel
        let (dcRate, restRate) = (Float(c.shDCLearningRate), Float(c.shRestLearningRate))
        scene.withMutableParameters { p in
        firstMoment.withMutableParameters { m in
        secondMoment.withMutableParameters { v in
            // (values, first moment, second moment, gradient, rate, rate of the SH DC entries).
            let groups: [(UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, [Float], Float, Float?)] = [
                (p.positions, m.positions, v.positions, gradient.positions, positionRate, nil),
                (p.logScales, m.logScales, v.logScales, gradient.logScales, Float(c.scaleLearningRate), nil),
                (p.rotations, m.rotations, v.rotations, gradient.rotations, Float(c.rotationLearningRate), nil),
                (p.opacityLogits, m.opacityLogits, v.opacityLogits, gradient.opacityLogits, Float(c.opacityLearningRate), nil),
                (p.sh, m.sh, v.sh, gradient.sh, restRate, dcRate),
            ]
            for (values, first, second, g, rate, dc) in groups {
                g.withUnsafeBufferPointer { grad in
                    let job = AdamJob(values: values.baseAddress, first: first.baseAddress, second: second.baseAddress,
                                      gradient: grad.baseAddress, count: values.count, rate: rate,
                                      dcRate: dc ?? rate, stride: dc == nil ? 1 : shStride)
                    guard job.count > 0 else { return }
                    let workers = max(1, min(threads, job.count / 65_536 + 1))
                    let chunk = (job.count + workers - 1) / workers
                    let work: @Sendable (Int) -> Void = { worker in
                        for i in (worker * chunk)..<min(job.count, (worker + 1) * chunk) { job.update(i, corrections) }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
        }}}
    }
}

/// Adam's constants for one step.
struct AdamCorrections: Sendable {
    let beta1: Float, beta2: Float, epsilon: Float
    /// 1 − β₁ᵗ and √(1 − β₂ᵗ).
    let firstBias: Float, secondBiasRoot: Float
}

/// One parameter group's arrays, shared with the workers that update disjoint ranges.
struct AdamJob: @unchecked Sendable {
    let values: UnsafeMutablePointer<Float>?
    let first: UnsafeMutablePointer<Float>?
    let second: UnsafeMutablePointer<Float>?
    let gradient: UnsafePointer<Float>?
    let count: Int
    /// The group's rate, and the rate of entries whose index modulo `stride` is below 3 (the
    /// SH DC coefficients of each Gaussian; other groups use stride 1 with dcRate = rate).
    let rate: Float
    let dcRate: Float
    let stride: Int

    @inline(__always)
    func update(_ i: Int, _ c: AdamCorrections) {
        let rate = i % stride < 3 ? dcRate : self.rate
        let g = gradient![i]
        let m = c.beta1 * first![i] + (1 - c.beta1) * g
        let v = c.beta2 * second![i] + (1 - c.beta2) * g * g
        first![i] = m
        second![i] = v
        values![i] -= rate / c.firstBias * m / (v.squareRoot() / c.secondBiasRoot + c.epsilon)
    }
}
