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
                    let groups:
                        [(
                            UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, [Float], Float,
                            Float?
                        )] = [
                            (p.positions, m.positions, v.positions, gradient.positions, positionRate, nil),
                            (p.logScales, m.logScales, v.logScales, gradient.logScales, Float(c.scaleLearningRate), nil),
                            (p.rotations, m.rotations, v.rotations, gradient.rotations, Float(c.rotationLearningRate), nil),
                            (p.opacityLogits, m.opacityLogits, v.opacityLogits, gradient.opacityLogits, Float(c.opacityLearningRate), nil),
                            (p.sh, m.sh, v.sh, gradient.sh, restRate, dcRate),
                        ]
                    for (values, first, second, g, rate, dc) in groups {
                        g.withUnsafeBufferPointer { grad in
                            let job = AdamJob(
                                values: values.baseAddress, first: first.baseAddress, second: second.baseAddress,
                                gradient: grad.baseAddress, count: values.count, rate: rate,
                                dcRate: dc ?? rate, stride: dc == nil ? values.count : shStride)
                            guard job.count > 0 else { return }
                            // Workers take whole blocks of `stride` entries (one Gaussian's SH), so every
                            // entry's rate is known without a per-entry test.
                            let blocks = job.count / job.stride
                            let workers = max(1, min(threads, job.count / 65_536 + 1, blocks))
                            let chunk = (blocks + workers - 1) / workers
                            let work: @Sendable (Int) -> Void = { worker in
                                job.update(blocks: (worker * chunk)..<min(blocks, (worker + 1) * chunk), corrections)
                            }
                            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                        }
                    }
                }
            }
        }
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
    /// The group's rate, and the rate of the first three entries of every block of `stride`
    /// (the SH DC coefficients of each Gaussian; other groups are one block with dcRate = rate).
    let rate: Float
    let dcRate: Float
    let stride: Int

    /// Updates the entries of blocks `blocks`: all at the group's rate in SIMD8 steps (the
    /// arrays cannot be proven not to alias, so the compiler would not vectorise a scalar
    /// loop), then the DC entries moved on by the difference of the two rates. The same
    /// arithmetic for any split into blocks.
    func update(blocks: Range<Int>, _ c: AdamCorrections) {
        guard !blocks.isEmpty, let values, let first, let second, let gradient else { return }
        typealias Lanes = SIMD8<Float>
        let (beta1, beta2) = (Lanes(repeating: c.beta1), Lanes(repeating: c.beta2))
        let (oneMinusBeta1, oneMinusBeta2) = (Lanes(repeating: 1 - c.beta1), Lanes(repeating: 1 - c.beta2))
        let inverseRoot = Lanes(repeating: 1 / c.secondBiasRoot), epsilon = Lanes(repeating: c.epsilon)
        let restStep = rate / c.firstBias
        let step = Lanes(repeating: restStep)
        let begin = blocks.lowerBound * stride, end = blocks.upperBound * stride
        var i = begin
        while i + Lanes.scalarCount <= end {
            let g = UnsafeRawPointer(gradient + i).loadUnaligned(as: Lanes.self)
            let m = beta1 * UnsafeRawPointer(first + i).loadUnaligned(as: Lanes.self) + oneMinusBeta1 * g
            let v = beta2 * UnsafeRawPointer(second + i).loadUnaligned(as: Lanes.self) + oneMinusBeta2 * g * g
            let p = UnsafeRawPointer(values + i).loadUnaligned(as: Lanes.self) - step * m / (v.squareRoot() * inverseRoot + epsilon)
            UnsafeMutableRawPointer(first + i).storeBytes(of: m, as: Lanes.self)
            UnsafeMutableRawPointer(second + i).storeBytes(of: v, as: Lanes.self)
            UnsafeMutableRawPointer(values + i).storeBytes(of: p, as: Lanes.self)
            i += Lanes.scalarCount
        }
        while i < end {
            let g = gradient[i]
            let m = c.beta1 * first[i] + (1 - c.beta1) * g
            let v = c.beta2 * second[i] + (1 - c.beta2) * g * g
            first[i] = m
            second[i] = v
            values[i] -= restStep * m / (v.squareRoot() * (1 / c.secondBiasRoot) + c.epsilon)
            i += 1
        }
        let extra = dcRate / c.firstBias - restStep
        guard extra != 0 else { return }
        for block in blocks {
            for i in (block * stride)..<(block * stride + 3) {
                values[i] -= extra * first[i] / (second[i].squareRoot() * (1 / c.secondBiasRoot) + c.epsilon)
            }
        }
    }
}
