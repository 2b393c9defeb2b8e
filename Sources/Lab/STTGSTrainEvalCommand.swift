import ArgumentParser
import Foundation
import Optimizers
import Scenarios
import Training

/// `gs-lab sttgs train-eval`: STT-GS step 8 for every selection scheme — the same initial model
/// S′ fine-tuned on what each scheme collected, scored on the same held-out views (Table IV,
/// vs ρ as Fig. 14, vs iterations as Fig. 7) → `train_eval.csv`, `train_eval.md` and two SVG
/// plots in `--out`.
struct STTGSTrainEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-eval",
        abstract: "Train S′ on each selection scheme's collected data; PSNR/SSIM on held-out views vs ρ and vs iterations.",
        discussion: """
            The default run (a 20k-Gaussian SH-0 world at 64x48, 300 fine-tuning steps, one seed) takes a few \
            minutes on 2 cores; the paper's scale (full-resolution images, 30k steps on a GPU) is out of reach here.
            """)

    @Option(help: "Seed of the procedural world.") var worldSeed: UInt64 = 1
    @Option(help: "Approximate Gaussian count of the world (S′ is its memory scene).") var worldGaussians = 20_000
    @Option(help: "SH degree of the world (0…3).") var worldShDegree = 0
    @Option(help: "Image size WxH, a multiple of 8x6 (the FDC thumbnail).") var probeSize = "64x48"
    @Option(help: "Clients K.") var clients = 5
    @Option(help: "Scenario seeds (instances): 1…N; tables report means over them.") var seeds = 1
    @Option(help: "Images per client: low,high of the uniform draw (paper: about 280).") var images = "250,310"
    @Option(help: "Sampling ratios ρ.") var ratios = "0.02,0.1,0.2"
    @Option(help: "Fine-tuning steps.") var iterations = 300
    @Option(help: "Steps at which held-out views are scored (0 = S′).") var evalAt = "0,75,150,300"
    @Option(help: "Worker threads (results do not depend on it).") var threads = 2
    @Option(help: "Output directory.") var out = "results/sttgs-train-eval"

    func run() throws {
        let range = images.split(separator: ",").compactMap { Int($0) }
        guard range.count == 2, range[0] >= 1, range[0] <= range[1] else { throw ValidationError("--images must be low,high with 1 ≤ low ≤ high") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        let probe = try ScenarioSourceOptions.probe(seed: worldSeed, gaussians: worldGaussians, shDegree: worldShDegree, size: probeSize)
        var settings = STTGSTrainEvaluation.Settings()
        settings.clients = clients
        (settings.imagesLow, settings.imagesHigh) = (range[0], range[1])
        settings.ratios = try parseList(ratios)
        settings.iterations = iterations
        settings.evaluateAt = try parseList(evalAt).map { Int($0) }
        settings.threads = threads
        let clock = Stopwatch()
        var rows: [(seed: UInt64, row: STTGSTrainEvaluation.Row)] = []
        for seed in 1...UInt64(seeds) {
            settings.seed = seed
            let experiment = try STTGSTrainEvaluation(probe: probe, settings: settings)
            rows += try experiment.run { print(String(format: "[%6.1f s] seed %llu: ", clock.elapsedSeconds, seed) + $0) }.map {
                (seed: seed, row: $0)
            }
        }
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var csv = STTGSTable([
            "seed", "rho", "scheme", "selected", "images", "predicted_loss", "true_loss", "iteration", "pooled_psnr_dB", "mean_psnr_dB", "ssim", "l1",
        ])
        for (seed, row) in rows {
            csv.append([
                seed, row.ratio, row.scheme.rawValue, row.selected.map(String.init).joined(separator: " "), row.images,
                row.predictedLoss, row.trueLoss, row.iteration, row.evaluation.pooledPSNR, row.evaluation.psnr, row.evaluation.ssim,
                row.evaluation.l1,
            ])
        }
        try csv.write(to: directory, name: "train_eval")
        let report = TrainEvalReport(rows: rows.map(\.row), settings: settings, seeds: seeds)
        let heldOut = try STTGSTrainEvaluation(probe: probe, settings: settings).heldOutViews().count
        let header =
            "World seed \(worldSeed), \(probe.world.memoryScene.count) Gaussians (SH \(worldShDegree)) at \(probeSize); K = \(clients), "
            + "\(images) images per client, \(seeds) seed(s); \(iterations) fine-tuning steps from S′; \(heldOut) held-out views; "
            + String(format: "%.0f s.\n\n", clock.elapsedSeconds)
        try (header + report.markdown).write(to: directory.appendingPathComponent("train_eval.md"), atomically: true, encoding: .utf8)
        try report.iterationPlot.write(to: directory.appendingPathComponent("train_eval_iterations.svg"))
        try report.ratioPlot.write(to: directory.appendingPathComponent("train_eval_rho.svg"))
        print(header + report.markdown)
    }
}

/// The tables and plots of `gs-lab sttgs train-eval`: means over seeds per (ρ, scheme, step).
/// PSNR is the pooled figure (``GaussianTrainer/Evaluation/pooledPSNR``): the held-out views
/// include places S′ already renders exactly, where a per-view PSNR is not finite.
struct TrainEvalReport {
    let rows: [STTGSTrainEvaluation.Row]
    let settings: STTGSTrainEvaluation.Settings
    let seeds: Int

    /// Mean of `value` over the seeds' rows at (ρ, scheme, step).
    func mean(_ ratio: Double, _ scheme: STTGSSolverName, _ step: Int, _ value: (STTGSTrainEvaluation.Row) -> Double) -> Double {
        rows.filter { $0.ratio == ratio && $0.scheme == scheme && $0.iteration == step }.map(value).mean
    }

    var lastStep: Int { settings.evaluateAt.max() ?? 0 }
    /// The ρ of the Table IV-style table: 0.1 (the paper's default) when swept, else the first.
    var tableRatio: Double { settings.ratios.contains(0.1) ? 0.1 : settings.ratios[0] }

    var markdown: String {
        var table = STTGSTable([
            "scheme", "clients selected", "images", "Σxπ (true loss collected)", "pooled PSNR before (dB)", "pooled PSNR after (dB)", "SSIM after",
            "L1 after",
        ])
        for scheme in settings.schemes {
            let selected =
                rows.first { $0.ratio == tableRatio && $0.scheme == scheme }.map { $0.selected.map(String.init).joined(separator: ",") } ?? ""
            table.append(
                [
                    scheme.rawValue, seeds == 1 ? selected : "(\(seeds) seeds)", mean(tableRatio, scheme, lastStep) { Double($0.images) },
                    mean(tableRatio, scheme, lastStep, \.trueLoss), mean(tableRatio, scheme, 0) { $0.evaluation.pooledPSNR },
                    mean(tableRatio, scheme, lastStep) { $0.evaluation.pooledPSNR }, mean(tableRatio, scheme, lastStep) { $0.evaluation.ssim },
                    mean(tableRatio, scheme, lastStep) { $0.evaluation.l1 },
                ], digits: 4)
        }
        var byRatio = STTGSTable(["rho"] + settings.schemes.map { "\($0.rawValue) PSNR / SSIM" })
        for ratio in settings.ratios {
            let cells = settings.schemes.map { scheme -> CustomStringConvertible in
                String(
                    format: "%.2f / %.4f", mean(ratio, scheme, lastStep) { $0.evaluation.pooledPSNR },
                    mean(ratio, scheme, lastStep) { $0.evaluation.ssim })
            }
            byRatio.append([ratio as CustomStringConvertible] + cells)
        }
        var bySteps = STTGSTable(["step"] + settings.schemes.map { "\($0.rawValue) PSNR" })
        for step in settings.evaluateAt.sorted() {
            let cells = settings.schemes.map { scheme -> CustomStringConvertible in mean(tableRatio, scheme, step) { $0.evaluation.pooledPSNR } }
            bySteps.append([step as CustomStringConvertible] + cells, digits: 4)
        }
        return "### After \(lastStep) steps at ρ = \(tableRatio) (Table IV)\n\n" + table.markdown
            + "\n### Held-out PSNR / SSIM after \(lastStep) steps vs ρ (Fig. 14)\n\n" + byRatio.markdown
            + "\n### Held-out PSNR vs fine-tuning steps at ρ = \(tableRatio) (Fig. 7)\n\n" + bySteps.markdown
    }

    var iterationPlot: SVGPlot {
        var plot = SVGPlot(title: "STT-GS: held-out PSNR vs steps (ρ = \(tableRatio))", xLabel: "fine-tuning steps", yLabel: "PSNR (dB)")
        plot.series = settings.schemes.map { scheme in
            SVGPlot.Series(
                name: scheme.rawValue,
                points: settings.evaluateAt.sorted().map { step in
                    (x: Double(step), y: mean(tableRatio, scheme, step) { $0.evaluation.pooledPSNR })
                })
        }
        return plot
    }

    var ratioPlot: SVGPlot {
        var plot = SVGPlot(title: "STT-GS: held-out PSNR after \(lastStep) steps vs ρ", xLabel: "sampling ratio ρ", yLabel: "PSNR (dB)")
        plot.series = settings.schemes.map { scheme in
            SVGPlot.Series(
                name: scheme.rawValue,
                points: settings.ratios.map { ratio in (x: ratio, y: mean(ratio, scheme, lastStep) { $0.evaluation.pooledPSNR }) })
        }
        return plot
    }
}
