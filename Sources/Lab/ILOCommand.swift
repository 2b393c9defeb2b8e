import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab ilo dataset|train|eval`: ILO's offline pipeline (paper §4).
struct ILOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ilo",
        abstract: "ILO: generate PMM demonstrations, train the scheduler, evaluate it against PMM.",
        subcommands: [ILODatasetCommand.self, ILOTrainCommand.self, ILOEvalCommand.self])
}

/// The random-slot distribution flags shared by `dataset` and `eval`.
struct ILODistributionOptions: ParsableArguments {
    @Option(help: "Smallest K.") var minUsers = 2
    @Option(help: "Largest K (the model's trained maximum).") var maxUsers = 50
    @Option(help: "Lowest power budget in dBm.") var minPowerDbm = -5.0
    @Option(help: "Highest power budget in dBm.") var maxPowerDbm = 15.0

    func distribution() throws -> ILOInstanceDistribution {
        guard minUsers >= 1, maxUsers >= minUsers, maxPowerDbm > minPowerDbm else {
            throw ValidationError("need 1 ≤ min-users ≤ max-users and min-power-dbm < max-power-dbm")
        }
        var distribution = ILOInstanceDistribution()
        distribution.minUsers = minUsers
        distribution.maxUsers = maxUsers
        distribution.powerRangeDBm = minPowerDbm...maxPowerDbm
        return distribution
    }
}

struct ILODatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Run PMM on seeded random slots (both cores) and write the demonstrations CSV.")

    @OptionGroup var slots: ILODistributionOptions
    @Option(help: "Slots to generate.") var count = 20_000
    @Option(help: "Dataset seed.") var seed: UInt64 = 1
    @Option(help: "Output CSV.") var out = "ilo-dataset.csv"

    func run() throws {
        let clock = Stopwatch()
        let total = count
        let dataset = try ILODataset.generate(count: count, seed: seed, distribution: slots.distribution()) { done in
            if done % 1024 < 64 || done == total { print("  \(done)/\(total) slots solved by PMM") }
        }
        try dataset.write(to: URL(fileURLWithPath: out))
        let rows = dataset.labels.map(\.count).reduce(0, +)
        let positives = dataset.labels.flatMap { $0 }.filter { $0 }.count
        print(
            String(
                format: "wrote %@: %d slots, %d user rows (%.1f %% served by PMM) in %.1f s",
                out, dataset.instances.count, rows, 100 * Double(positives) / Double(max(rows, 1)), clock.elapsedSeconds))
    }
}

struct ILOTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the ILO network on a demonstrations CSV; write the model and curves.")

    @Option(help: "Demonstrations CSV from `gs-lab ilo dataset`.") var dataset = "ilo-dataset.csv"
    @Option(help: "Output model file.") var out = "ilo-irac-v1.json"
    @Option(help: "Per-epoch curves CSV.") var curves = "ilo-curves.csv"
    @Option(help: "Most epochs.") var epochs = 60
    @Option(help: "Early-stopping patience (epochs).") var patience = 8
    @Option(help: "Mini-batch size.") var batchSize = 256
    @Option(help: "AdamW learning rate.") var learningRate = 2e-3
    @Option(help: "AdamW weight decay.") var weightDecay = 1e-4
    @Option(help: "Hidden widths, comma-separated.") var hidden = "32,32"
    @Option(help: "Focal loss α.") var focalAlpha = 0.5
    @Option(help: "Focal loss γ.") var focalGamma = 2.0
    @Option(help: "Training seed.") var seed: UInt64 = 1
    @Option(help: "Dataset description stored in the model file.") var describe = ILOInstanceDistribution().summary

    func run() throws {
        let data = try ILODataset.read(from: URL(fileURLWithPath: dataset))
        var trainer = ILOTrainer()
        trainer.hiddenWidths = hidden.split(separator: ",").compactMap { Int($0) }
        guard trainer.hiddenWidths.count == 2, trainer.hiddenWidths.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--hidden needs two positive widths (three layers in all)")
        }
        trainer.epochs = epochs
        trainer.patience = patience
        trainer.batchSize = batchSize
        trainer.learningRate = learningRate
        trainer.weightDecay = weightDecay
        trainer.focalLoss = ILOFocalLoss(alpha: focalAlpha, gamma: focalGamma)
        trainer.seed = seed
        var lines = ["epoch,train_loss,train_accuracy,validation_loss,validation_accuracy"]
        let clock = Stopwatch()
        let (model, _) = try trainer.train(data, datasetSummary: "\(dataset): \(describe)") { e in
            print(
                String(
                    format: "epoch %3d  train loss %.5f acc %.4f  val loss %.5f acc %.4f  (%.0f s)",
                    e.epoch, e.trainingLoss, e.trainingAccuracy, e.validationLoss, e.validationAccuracy, clock.elapsedSeconds))
            lines.append("\(e.epoch),\(e.trainingLoss),\(e.trainingAccuracy),\(e.validationLoss),\(e.validationAccuracy)")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: curves, atomically: true, encoding: .utf8)
        try model.save(to: URL(fileURLWithPath: out))
        print("best epoch \(model.training.bestEpoch): validation accuracy \(model.training.validationAccuracy); wrote \(out), \(curves)")
    }
}

struct ILOEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Compare ILO with PMM on fresh held-out slots: agreement, objective gap, time.")

    @OptionGroup var slots: ILODistributionOptions
    @Option(help: "Model file (default: the shipped model).") var model: String?
    @Option(help: "Held-out slots.") var count = 2000
    @Option(help: "Seed (use one not used for training).") var seed: UInt64 = 424_242

    func run() throws {
        let ilo = try model.map { try ILOModel.load(from: URL(fileURLWithPath: $0)) } ?? ILOModel.shipped()
        let report = try ILOEvaluation.run(model: ilo, count: count, seed: seed, distribution: slots.distribution())
        print(report.description)
    }
}

/// ILO vs PMM on held-out slots (shared by `ilo eval` and the bench).
struct ILOEvaluation: CustomStringConvertible {
    var slots = 0, rows = 0, rawAgreed = 0, agreed = 0, exactSlots = 0
    var pmmObjective = 0.0, iloObjective = 0.0, pmmSeconds = 0.0, iloSeconds = 0.0, allFeasible = true

    static func run(model: ILOModel, count: Int, seed: UInt64, distribution: ILOInstanceDistribution) throws -> ILOEvaluation {
        var report = ILOEvaluation()
        for index in 0..<count {
            let instance = try distribution.instance(seed: seed, index: index)
            let pmmClock = Stopwatch()
            let pmm = IRACPenaltyMM().solve(instance).decision
            report.pmmSeconds += pmmClock.elapsedSeconds
            let iloClock = Stopwatch()
            let ilo = try model.decide(instance)
            report.iloSeconds += iloClock.elapsedSeconds
            let raw = try model.probabilities(instance).map { $0 >= 0.5 }
            report.slots += 1
            report.rows += instance.userCount
            report.rawAgreed += zip(raw, pmm.served).filter { $0 == $1 }.count
            let agreed = zip(ilo.served, pmm.served).filter { $0 == $1 }.count
            report.agreed += agreed
            report.exactSlots += agreed == instance.userCount ? 1 : 0
            report.pmmObjective += instance.objective(pmm.served)
            report.iloObjective += instance.objective(ilo.served)
            report.allFeasible = report.allFeasible && instance.isFeasible(ilo)
        }
        return report
    }

    var description: String {
        let n = Double(max(slots, 1)), r = Double(max(rows, 1))
        return String(
            format: """
                slots %d, user rows %d
                per-user agreement with PMM: %.2f %% after repair, %.2f %% raw network output; whole slot identical: %.2f %%
                mean objective: PMM %.5f, ILO %.5f (ILO − PMM = %+.5f); ILO always feasible: %@
                time per decision: PMM %.1f µs, ILO %.2f µs (%.0f× faster)
                """, slots, rows, 100 * Double(agreed) / r, 100 * Double(rawAgreed) / r, 100 * Double(exactSlots) / n,
            pmmObjective / n, iloObjective / n, (iloObjective - pmmObjective) / n, allFeasible ? "yes" : "NO",
            pmmSeconds / n * 1e6, iloSeconds / n * 1e6, pmmSeconds / max(iloSeconds, 1e-12))
    }
}
