import Foundation
import SeededRandom
import Testing
@testable import Optimizers

/// MO-CMPO: the losses' gradients against central differences, feasibility of every output,
/// determinism, the model file, and a tiny training run that must beat Random.
@Suite("MO-CMPO")
struct MOCMPOTests {
    static func logits(groups: Int, width: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(groups * width)).map { _ in generator.nextGaussian() }
    }

    @Test("cross-entropy gradient matches central differences", arguments: [2, 3, 5])
    func crossEntropyGradient(width: Int) {
        let targets = (0..<4).map { ($0 * 7 + 1) % width }
        let values = Self.logits(groups: 4, width: width, seed: UInt64(width))
        let analytic = MOCMPOLoss.crossEntropy(values, width: width, targets: targets).gradient
        let numeric = ILOGradientTests.numericGradient(values) {
            MOCMPOLoss.crossEntropy($0, width: width, targets: targets).loss
        }
        #expect(ILOGradientTests.relativeError(analytic, numeric) < 1e-6)
    }

    /// Old log-probabilities shifted by ±0.05 (inside the clip band) and ±0.5 (outside), for
    /// both signs of the advantage, so both branches of the min are exercised.
    @Test("PPO clipped-surrogate gradient matches central differences", arguments: [1.0, -0.7])
    func surrogateGradient(advantage: Double) {
        let width = 4, actions = [0, 3, 1, 2, 2, 0]
        let values = Self.logits(groups: actions.count, width: width, seed: 9)
        let logProb = MOCMPOLoss.logSoftmax(values, width: width)
        let shifts = [0.05, -0.05, 0.5, -0.5, 0.02, 0.4]
        let old = actions.enumerated().map { logProb[$0.offset * width + $0.element] - shifts[$0.offset] }
        func loss(_ x: [Double]) -> (loss: Double, gradient: [Double]) {
            MOCMPOLoss.clippedSurrogate(x, width: width, actions: actions, oldLogProb: old, advantage: advantage, epsilon: 0.2)
        }
        let numeric = ILOGradientTests.numericGradient(values) { loss($0).loss }
        #expect(ILOGradientTests.relativeError(loss(values).gradient, numeric) < 1e-6)
        #expect(loss(values).gradient.contains { $0 != 0 })
    }

    /// Every pair-group of the log-softmax sums to probability one.
    @Test func logSoftmaxNormalises() {
        let logProb = MOCMPOLoss.logSoftmax(Self.logits(groups: 3, width: 5, seed: 2), width: 5)
        for g in 0..<3 {
            #expect(abs(logProb[(g * 5)..<(g * 5 + 5)].reduce(0) { $0 + exp($1) } - 1) < 1e-12)
        }
    }

    static func solver(_ model: MOCMPOModel) -> MOCMPO {
        var solver = MOCMPO()
        solver.model = model
        solver.weightPoints = 5
        return solver
    }

    /// The projection makes every output feasible whatever the network says, so an untrained
    /// model is the hardest case; the tiny instances' cache and task limits bind.
    @Test("every mocmpo output is feasible", arguments: 0..<4)
    func feasibility(batch: Int) throws {
        let model = try MOCMPOModel(hidden: [8], seed: UInt64(batch))
        for seed in (UInt64(batch) * 50)..<(UInt64(batch) * 50 + 50) {
            let instance = try SCCTestInstances.tiny(seed: seed)
            var options = SCCSolverOptions()
            options.mocmpo = Self.solver(model)
            guard let result = try? SCCSolvers.solve(instance, with: .mocmpo, options: options) else {
                // Only when no feasible assignment exists at all.
                #expect(SCCRepair.greedy(SCCEvaluator(instance), latencyWeight: 0.5) == nil)
                continue
            }
            #expect(!result.front.isEmpty)
            #expect(result.front.allSatisfy { $0.feasible })
        }
    }

    static func tinyTrainer(seed: UInt64) -> MOCMPOTrainer {
        var scenario = SCCScenario()
        scenario.users = 12
        scenario.spaces = 3
        scenario.mecs = 4
        var trainer = MOCMPOTrainer(scenario: scenario)
        trainer.instances = 6
        trainer.validationInstances = 3
        trainer.exactNodeLimit = 20_000
        trainer.supervisedEpochs = 6
        trainer.ppoIterations = 8
        trainer.hidden = [16]
        trainer.seed = seed
        return trainer
    }

    @Test func trainingAndInferenceAreDeterministic() throws {
        var trainer = Self.tinyTrainer(seed: 5)
        trainer.supervisedEpochs = 1
        trainer.ppoIterations = 2
        let model = try trainer.train()
        #expect(model == (try trainer.train()))
        let evaluator = SCCEvaluator(try trainer.scenario.instance(seed: 77))
        #expect(try Self.solver(model).run(evaluator).points == (try Self.solver(model).run(evaluator).points))
    }

    /// A model trained from a small seed set in seconds must reach a larger mean HV than
    /// Random given the same number of evaluated assignments, on held-out instances.
    @Test func tinyTrainedModelBeatsRandom() throws {
        let trainer = Self.tinyTrainer(seed: 1)
        let model = try trainer.train()
        var mine = 0.0, random = 0.0
        for seed in 2_000_001...2_000_004 as ClosedRange<UInt64> {
            let evaluator = SCCEvaluator(try trainer.scenario.instance(seed: seed))
            var options = SCCSolverOptions()
            options.randomSamples = 10
            mine += Pareto.normalisedHypervolume(try Self.solver(model).run(evaluator).points, reference: evaluator.reference)
            random += Pareto.normalisedHypervolume(
                try SCCSolvers.front(evaluator, with: .random, options: options).points, reference: evaluator.reference)
        }
        #expect(mine > random)
    }

    @Test func modelFileRoundTripsAndRejectsCorruption() throws {
        let model = try MOCMPOModel(hidden: [4, 3], seed: 3)
        #expect(try MOCMPOModel(data: model.encoded(), source: "test") == model)
        #expect(throws: OptimizerError.self) { try MOCMPOModel(data: Data("{}".utf8), source: "test") }
        var text = String(decoding: try model.encoded(), as: UTF8.self)
        text = text.replacingOccurrences(of: MOCMPOModel.formatTag, with: "other-v9")
        #expect(throws: OptimizerError.self) { try MOCMPOModel(data: Data(text.utf8), source: "test") }
        #expect(throws: OptimizerError.self) { try MOCMPOModel.load(from: URL(fileURLWithPath: "/nonexistent/m.json")) }
    }

    @Test func shippedModelLoads() throws {
        let model = try MOCMPOModel.shipped()
        #expect(model.network.inputWidth == MOCMPOFeatures.width)
    }
}
