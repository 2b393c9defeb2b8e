import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab scc train`: trains MO-CMPO (papers/scc-mo-cmpo.txt §III) on generated instances —
/// supervised consistency training on scalarised-optimum labels, then PPO fine-tuning — with a
/// progress line per report and the curves as CSV and SVG beside the model.
struct SCCTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the MO-CMPO model (consistency model + PPO) on generated SCC instances.")

    @Option(help: "Model file to write (JSON); curves go to <out>.csv and <out>.svg.") var out = "scc-mocmpo-v1.json"
    @Option(help: "Seed of the weights, noise and rollouts.") var seed: UInt64 = 1
    @Option(help: "Training instances.") var instances = 16
    @Option(help: "Validation instances.") var validationInstances = 4
    @Option(help: "Training instances' users.") var users = 40
    @Option(help: "Training instances' spaces.") var spaces = 4
    @Option(help: "Training instances' MECs.") var mecs = 8
    @Option(help: "City of the training instances.") var city = SCCCity.california
    @Option(help: "Label weights per instance.") var labelWeights = 5
    @Option(help: "Branch-and-bound node limit of an exact label (past it, Weight-Greedy's label).") var exactNodeLimit = 200_000
    @Option(help: "Supervised epochs.") var epochs = 8
    @Option(help: "PPO iterations.") var ppoIterations = 60
    @Option(help: "Rollouts per PPO iteration.") var groupSize = 4
    @Option(help: "Hidden widths, comma-separated.") var hidden = "32,32"
    @Option(help: "PPO iterations between progress lines.") var reportEvery = 10

    func run() throws {
        var scenario = SCCScenario()
        scenario.city = city
        scenario.users = users
        scenario.spaces = spaces
        scenario.mecs = mecs
        var trainer = MOCMPOTrainer(scenario: scenario)
        trainer.instances = instances
        trainer.validationInstances = validationInstances
        trainer.labelWeights = labelWeights
        trainer.exactNodeLimit = exactNodeLimit
        trainer.supervisedEpochs = epochs
        trainer.ppoIterations = ppoIterations
        trainer.groupSize = groupSize
        trainer.seed = seed
        trainer.hidden = try hidden.split(separator: ",").map {
            guard let width = Int($0.trimmingCharacters(in: .whitespaces)), width > 0 else {
                throw ValidationError("--hidden: '\($0)' is not a positive width")
            }
            return width
        }
        var rows = ["phase,epoch,step,loss,validation_hv,seconds"]
        var loss: [(x: Double, y: Double)] = [], hypervolume: [(x: Double, y: Double)] = []
        let model = try trainer.train(reportEvery: reportEvery) { p in
            print(
                String(
                    format: "%@ %d/%d  loss %.4f  val HV %.4f  %.1f s  ETA %.0f s", p.phase, p.epoch, p.epochs, p.loss,
                    p.hypervolume, p.seconds, p.etaSeconds))
            let step = Double(rows.count)
            rows.append(String(format: "%@,%d,%.0f,%.6f,%.6f,%.3f", p.phase, p.epoch, step, p.loss, p.hypervolume, p.seconds))
            loss.append((step, p.loss))
            hypervolume.append((step, p.hypervolume))
        }
        try model.save(to: URL(fileURLWithPath: out))
        let base = URL(fileURLWithPath: out).deletingPathExtension().path
        try (rows.joined(separator: "\n") + "\n").write(toFile: base + ".csv", atomically: true, encoding: .utf8)
        var plot = SVGPlot(title: "MO-CMPO training (supervised, then PPO)", xLabel: "report", yLabel: "value")
        plot.series = [SVGPlot.Series(name: "loss", points: loss), SVGPlot.Series(name: "validation HV", points: hypervolume)]
        try plot.write(to: URL(fileURLWithPath: base + ".svg"))
        print("wrote \(out), \(base).csv, \(base).svg")
    }
}
