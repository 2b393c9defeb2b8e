import Foundation

import SeededRandom

/// MO-CMPO's consistency model (papers/scc-mo-cmpo.txt §III-B): given the graph, a preference
/// weight w and a noisy assignment x_t at step t, it predicts the clean assignment x_0 as one
/// softmax over the MECs per (user, space) pair. The per-edge network is an `ILONetwork` over
/// `MOCMPOFeatures` rows (ReLU hidden layers, one logit per edge).
public struct MOCMPOModel: Sendable, Equatable {
    /// The edge network.
    public var network: ILONetwork<Float>
    /// Diffusion steps T of the forward (noising) process.
    public var diffusionSteps: Int
    /// Denoising steps K at inference (the paper's K = 3).
    public var inferenceSteps: Int

    /// A freshly initialised model with the given hidden widths, drawn from `seed`.
    public init(hidden: [Int] = [32, 32], diffusionSteps: Int = 50, inferenceSteps: Int = 3, seed: UInt64) throws {
        network = try ILONetwork(widths: [MOCMPOFeatures.width] + hidden + [1], seed: seed)
        self.diffusionSteps = diffusionSteps
        self.inferenceSteps = inferenceSteps
    }

    init(network: ILONetwork<Float>, diffusionSteps: Int, inferenceSteps: Int) {
        self.network = network
        self.diffusionSteps = diffusionSteps
        self.inferenceSteps = inferenceSteps
    }

    /// The forward (noising) process q(x_t | x_0): every gene is kept with probability 1 − t/T
    /// and otherwise replaced by a uniformly drawn MEC (the discrete uniform-transition
    /// diffusion of DIFUSCO and Fast T2T, the paper's [31, 34]).
    public func noised(_ clean: [Int], step t: Int, mecs: Int, using generator: inout SeededGenerator) -> [Int] {
        let rate = Double(t) / Double(diffusionSteps)
        return clean.map { generator.nextUnit() < rate ? Int.random(in: 0..<mecs, using: &generator) : $0 }
    }

    /// The edge logits for noisy genome `noisy` at step t, with the trace backprop needs.
    public func forward(
        _ features: MOCMPOFeatures, noisy: [Int], latencyWeight w: Double, step t: Int
    ) -> ILONetwork<Float>.Trace {
        network.forward(features.matrix(noisy: noisy, latencyWeight: w, time: Double(t) / Double(diffusionSteps)))
    }

    /// Consistency sampling (the paper's Algorithm 2): from uniform noise at t = T, predict
    /// x_0, re-noise it to the next of K evenly spaced times, and repeat; returns the last
    /// prediction's log-probabilities (pairs·M) and the noisy input it was made from.
    public func sample(
        _ features: MOCMPOFeatures, latencyWeight w: Double, using generator: inout SeededGenerator
    ) -> (logProbabilities: [Float], noisy: [Int], step: Int) {
        let mecs = features.evaluator.mecCount, pairs = features.evaluator.pairCount
        var noisy = (0..<pairs).map { _ in Int.random(in: 0..<mecs, using: &generator) }
        var step = diffusionSteps
        while true {
            let logProb = MOCMPOLoss.logSoftmax(forward(features, noisy: noisy, latencyWeight: w, step: step).logits, width: mecs)
            let next = step - diffusionSteps / max(inferenceSteps, 1)
            if next <= 0 { return (logProb, noisy, step) }
            noisy = noised(Self.argmax(logProb, width: mecs), step: next, mecs: mecs, using: &generator)
            step = next
        }
    }

    /// The most probable MEC of every pair.
    public static func argmax(_ logProb: [Float], width: Int) -> [Int] {
        stride(from: 0, to: logProb.count, by: width).map { base in
            (0..<width).max { logProb[base + $0] < logProb[base + $1] } ?? 0
        }
    }

    /// The greedy feasibility projection (paper §III-C, eq. (23)): pairs in descending
    /// confidence each take their most probable MEC that still fits, so the sum of output
    /// probabilities is kept high and every constraint holds; `preferred` (a sampled action)
    /// is tried first. Falls back to `SCCRepair.project` when some pair fits nowhere this way.
    public static func project(
        _ logProb: [Float], preferred: [Int]? = nil, _ evaluator: SCCEvaluator, using generator: inout SeededGenerator
    ) -> [Int]? {
        let mecs = evaluator.mecCount
        let choice = preferred ?? argmax(logProb, width: mecs)
        let order = (0..<evaluator.pairCount).sorted {
            (logProb[$0 * mecs + choice[$0]], -$0) > (logProb[$1 * mecs + choice[$1]], -$1)
        }
        var load = SCCLoad(evaluator)
        var genome = choice
        for p in order {
            let ranked = [choice[p]] + (0..<mecs).sorted { logProb[p * mecs + $0] > logProb[p * mecs + $1] }
            guard let m = ranked.first(where: { load.canPlace(p, on: $0) }) else {
                return SCCRepair.project(choice, evaluator, using: &generator)
            }
            load.place(p, on: m)
            genome[p] = m
        }
        return genome
    }
}
