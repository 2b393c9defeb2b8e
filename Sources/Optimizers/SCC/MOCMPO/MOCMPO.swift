import Foundation

import SeededRandom

/// The MO-CMPO solver (papers/scc-mo-cmpo.txt §III): the trained consistency model run once
/// per preference weight of a grid, every output projected onto the feasible set, the
/// non-dominated ones kept.
public struct MOCMPO: Sendable {
    /// The model; nil means the one shipped with the module (`MOCMPOModel.shipped()`).
    public var model: MOCMPOModel?
    /// Preference weights w = k / (points − 1).
    public var weightPoints = 21
    /// Samples per weight: the first is the argmax, the others draw every pair's MEC from the
    /// model's softmax (the paper's stochastic trajectories).
    public var samplesPerWeight = 2
    /// Seed of the initial noise and of the samples.
    public var seed: UInt64 = 1

    /// Default settings.
    public init() {}

    /// The Pareto archive of feasible assignments over the weight grid.
    public func run(_ evaluator: SCCEvaluator) throws -> ParetoArchive {
        let model = try self.model ?? MOCMPOModel.shipped()
        let features = MOCMPOFeatures(evaluator)
        var generator = SeededGenerator(seed: seed, stream: 0xC3_0, index: 0)
        var archive = ParetoArchive()
        let n = max(weightPoints, 2)
        for k in 0..<n {
            let w = Double(k) / Double(n - 1)
            let (logProb, _, _) = model.sample(features, latencyWeight: w, using: &generator)
            for s in 0..<max(samplesPerWeight, 1) {
                let action = s == 0 ? nil : Self.draw(logProb, width: evaluator.mecCount, using: &generator)
                if let genome = MOCMPOModel.project(logProb, preferred: action, evaluator, using: &generator) {
                    archive.insert(evaluator.objectives(genome), genome: genome)
                }
            }
        }
        return archive
    }

    /// One MEC per pair drawn from its softmax.
    static func draw(_ logProb: [Float], width: Int, using generator: inout SeededGenerator) -> [Int] {
        stride(from: 0, to: logProb.count, by: width).map { base in
            var u = Float(generator.nextUnit())
            for m in 0..<width {
                u -= Foundation.exp(logProb[base + m])
                if u <= 0 { return m }
            }
            return width - 1
        }
    }
}
