import Foundation

import SeededRandom

/// MO-CMPO's two training phases (papers/scc-mo-cmpo.txt §III-B, §III-C, Algorithms 1 and 3),
/// scaled to a CPU: supervised consistency training on scalarised-optimum labels, then PPO
/// fine-tuning with preference weights drawn from Dirichlet(1, 1) = Uniform(0, 1).
public struct MOCMPOTrainer: Sendable {
    /// Generator of the training and validation instances.
    public var scenario: SCCScenario
    /// Training instances (seeds 1…N) and validation instances (seeds 1_000_001…).
    public var instances = 16, validationInstances = 4
    /// Label weights per instance: w = k / (points − 1).
    public var labelWeights = 5
    /// Branch-and-bound node limit for exact labels; past it the label is Weight-Greedy's.
    public var exactNodeLimit = 200_000
    /// Supervised epochs (every (instance, w) label once per epoch, at a random t).
    public var supervisedEpochs = 8
    /// PPO iterations, rollouts per iteration (one w, one instance), epochs per batch, clip ε.
    public var ppoIterations = 60, groupSize = 4, ppoEpochs = 2, clip = 0.2
    /// Adam step sizes of the two phases.
    public var learningRate = 3e-3, ppoLearningRate = 5e-4
    /// Hidden widths of the edge network, and the model's T.
    public var hidden = [32, 32], diffusionSteps = 50
    /// Seed of the initial weights, the noise and the rollouts.
    public var seed: UInt64 = 1

    /// A trainer over instances drawn from `scenario`.
    public init(scenario: SCCScenario) { self.scenario = scenario }

    /// One progress report: after every supervised epoch and every `reportEvery` PPO iterations.
    public struct Progress: Sendable {
        /// "supervised" or "ppo".
        public var phase: String
        /// Epoch (supervised) or iteration (PPO), from 1, and the phase's total.
        public var epoch: Int, epochs: Int
        /// Mean loss since the previous report (cross-entropy, or PPO's surrogate).
        public var loss: Double
        /// Mean normalised hypervolume of MO-CMPO on the validation instances.
        public var hypervolume: Double
        /// Seconds since training began, and the estimated seconds left.
        public var seconds: Double, etaSeconds: Double
    }

    /// Trains a model, calling `progress` along the way.
    public func train(reportEvery: Int = 10, progress: (Progress) -> Void = { _ in }) throws -> MOCMPOModel {
        let clock = Stopwatch()
        var model = try MOCMPOModel(hidden: hidden, diffusionSteps: diffusionSteps, seed: seed)
        let train = try (1...max(instances, 1)).map { SCCEvaluator(try scenario.instance(seed: UInt64($0))) }
        let validation = try (0..<max(validationInstances, 1)).map {
            SCCEvaluator(try scenario.instance(seed: 1_000_001 + UInt64($0)))
        }
        let features = train.map(MOCMPOFeatures.init)
        var generator = SeededGenerator(seed: seed, stream: 0xC3_1, index: 0)
        let labels = labelSet(train)
        let total = Double(supervisedEpochs * labels.count + ppoIterations * groupSize * (1 + ppoEpochs))
        var done = 0.0
        func report(_ phase: String, _ epoch: Int, _ epochs: Int, _ loss: Double) {
            let seconds = clock.elapsedSeconds
            progress(
                Progress(
                    phase: phase, epoch: epoch, epochs: epochs, loss: loss,
                    hypervolume: Self.validationHypervolume(model, validation), seconds: seconds,
                    etaSeconds: done > 0 ? seconds * (total - done) / done : 0))
        }
        var adam = ILOAdamW<Float>(learningRate: learningRate, weightDecay: 1e-5)
        for epoch in 1...max(supervisedEpochs, 1) where supervisedEpochs > 0 {
            var lossSum = 0.0
            for (index, w, label) in labels.shuffled(using: &generator) {
                let mecs = train[index].mecCount
                let t = Int.random(in: 1...model.diffusionSteps, using: &generator)
                let noisy = model.noised(label, step: t, mecs: mecs, using: &generator)
                let trace = model.forward(features[index], noisy: noisy, latencyWeight: w, step: t)
                let (loss, gradient) = MOCMPOLoss.crossEntropy(trace.logits, width: mecs, targets: label)
                step(&model, &adam, trace, gradient)
                lossSum += Double(loss)
                done += 1
            }
            report("supervised", epoch, supervisedEpochs, lossSum / Double(max(labels.count, 1)))
        }
        adam = ILOAdamW<Float>(learningRate: ppoLearningRate, weightDecay: 1e-5)
        var lossSum = 0.0, lossCount = 0
        for iteration in 1...max(ppoIterations, 1) where ppoIterations > 0 {
            let index = Int.random(in: 0..<train.count, using: &generator)
            lossSum += try ppoIteration(&model, &adam, train[index], features[index], using: &generator)
            lossCount += 1
            done += Double(groupSize * (1 + ppoEpochs))
            if iteration % max(reportEvery, 1) == 0 || iteration == ppoIterations {
                report("ppo", iteration, ppoIterations, lossSum / Double(lossCount))
                lossSum = 0
                lossCount = 0
            }
        }
        return model
    }

    /// (instance, w, label) for every training instance and label weight: the exact
    /// scalarised optimum where branch and bound finishes within the node limit, else
    /// Weight-Greedy's assignment (the paper labels with Gurobi's optima).
    func labelSet(_ train: [SCCEvaluator]) -> [(Int, Double, [Int])] {
        var exact = SCCExact()
        exact.nodeLimit = exactNodeLimit
        let n = max(labelWeights, 2)
        return train.indices.flatMap { index in
            (0..<n).compactMap { k -> (Int, Double, [Int])? in
                let w = Double(k) / Double(n - 1)
                guard let greedy = SCCRepair.greedy(train[index], latencyWeight: w) else { return nil }
                let best = (try? exact.minimiseWeighted(train[index], latencyWeight: w, incumbent: greedy))??.genome
                return (index, w, best ?? greedy)
            }
        }
    }

    /// One PPO batch: w ~ Dirichlet(1, 1), `groupSize` consistency trajectories on one
    /// instance, each final action sampled and projected, reward −(w T̂ + (1−w) Ê); the
    /// critic is replaced by the group's mean reward (advantages standardised in the group).
    func ppoIteration(
        _ model: inout MOCMPOModel, _ adam: inout ILOAdamW<Float>, _ evaluator: SCCEvaluator,
        _ features: MOCMPOFeatures, using generator: inout SeededGenerator
    ) throws -> Double {
        let w = generator.nextUnit(), mecs = evaluator.mecCount, reference = evaluator.reference
        var rollouts: [(noisy: [Int], step: Int, action: [Int], oldLogProb: [Float], reward: Double)] = []
        for _ in 0..<max(groupSize, 2) {
            let (logProb, noisy, step) = model.sample(features, latencyWeight: w, using: &generator)
            let action = MOCMPO.draw(logProb, width: mecs, using: &generator)
            guard let genome = MOCMPOModel.project(logProb, preferred: action, evaluator, using: &generator) else { continue }
            let f = evaluator.objectives(genome)
            let reward = -(w * f.latency / reference.latency + (1 - w) * f.energy / reference.energy)
            let old = action.enumerated().map { logProb[$0.offset * mecs + $0.element] }
            rollouts.append((noisy, step, action, old, reward))
        }
        guard rollouts.count >= 2 else { return 0 }
        let mean = rollouts.map(\.reward).reduce(0, +) / Double(rollouts.count)
        let spread = (rollouts.map { ($0.reward - mean) * ($0.reward - mean) }.reduce(0, +) / Double(rollouts.count)).squareRoot()
        var lossSum = 0.0
        for _ in 0..<max(ppoEpochs, 1) {
            for rollout in rollouts {
                let advantage = Float((rollout.reward - mean) / max(spread, 1e-12))
                let trace = model.forward(features, noisy: rollout.noisy, latencyWeight: w, step: rollout.step)
                let (loss, gradient) = MOCMPOLoss.clippedSurrogate(
                    trace.logits, width: mecs, actions: rollout.action, oldLogProb: rollout.oldLogProb,
                    advantage: advantage, epsilon: Float(clip))
                step(&model, &adam, trace, gradient)
                lossSum += Double(loss)
            }
        }
        return lossSum / Double(rollouts.count * max(ppoEpochs, 1))
    }

    func step(_ model: inout MOCMPOModel, _ adam: inout ILOAdamW<Float>, _ trace: ILONetwork<Float>.Trace, _ gradient: [Float]) {
        let layers = model.network.gradients(trace, logitGradient: gradient)
        var parameters = model.network.parameters
        adam.update(&parameters, gradients: ILONetwork<Float>.parameterArrays(of: layers))
        model.network.parameters = parameters
    }

    /// Mean normalised hypervolume of a quick MO-CMPO run (6 weights, argmax only).
    public static func validationHypervolume(_ model: MOCMPOModel, _ validation: [SCCEvaluator]) -> Double {
        var solver = MOCMPO()
        solver.model = model
        solver.weightPoints = 6
        solver.samplesPerWeight = 1
        let values = validation.map { evaluator in
            ((try? solver.run(evaluator)).map { Pareto.normalisedHypervolume($0.points, reference: evaluator.reference) }) ?? 0
        }
        return values.reduce(0, +) / Double(max(values.count, 1))
    }
}
