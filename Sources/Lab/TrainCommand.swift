import ArgumentParser
import Foundation
import Renderer
import Training

extension TrainingLoss.SSIMPadding: ExpressibleByArgument {}

/// `gs-lab train`: trains a 3DGS scene on a COLMAP or transforms.json dataset on the CPU.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a 3DGS scene on a dataset (COLMAP text/binary or transforms.json; PNG/JPEG) on the CPU.",
        discussion: """
            Defaults are the 3DGS reference trainer's (docs/TRAINING.md). Every 8th view (by name) is held \
            out unless the dataset has its own split. Evaluation (PSNR, SSIM, L1 on held-out views; LPIPS \
            needs network weights no package here ships) runs at --eval-at and at the end; curves go to \
            <out>.csv and <out>.svg, held-out renders beside their ground truth to <out>-renders/.
            """)

    @Option(help: "Dataset directory.") var data: String
    @Option(help: "Optimisation steps.") var iterations: Int = 30_000
    @Option(help: "Output PLY.") var out: String
    @Option(help: "Comma-separated iterations at which to evaluate on the held-out views.") var evalAt: String = ""
    @Option(help: "Resample images (and intrinsics) to WxH.") var resolution: String?
    @Option(help: "Worker threads (results do not depend on this).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed of the view order and split samples.") var seed: UInt64 = 0
    @Option(help: "Start from this 3DGS PLY instead of the dataset's points.") var initial: String?
    @Option(help: "Random start points when the dataset has none (uniform in [−1.3, 1.3]³, as the reference).") var randomPoints: Int = 100_000
    @Option(help: "Largest SH degree trained.") var shDegree: Int = 3
    @Option(help: "Raise the active SH degree every n iterations (reference: 1000; gsplat scales it with steps_scaler).")
    var shDegreeInterval: Int = 1000
    @Option(help: "Hold out every n-th view (0: none) when the dataset has no split.") var holdOut: Int = 8
    @Option(help: "Densify after this iteration (reference: 500).") var densifyFrom: Int = 500
    @Option(help: "Densify until this iteration (reference: 15000).") var densifyUntil: Int = 15_000
    @Option(help: "Densify every n iterations (reference: 100).") var densifyInterval: Int = 100
    @Option(help: "Prune oversized Gaussians after this iteration (default: the first opacity reset).") var pruneLargeAfter: Int?
    @Option(help: "Oversized: pixel radius above this (reference: 20; 'inf' turns it off, as gsplat's default).") var pruneScreenRadius: Double = 20
    @Option(help: "Opacity reset interval, 0 = never (reference: 3000).") var opacityReset: Int = 3000
    @Option(help: "Pixels SSIM averages over: same (INRIA, zero-padded) or valid (gsplat's fused_ssim).")
    var ssimPadding: TrainingLoss.SSIMPadding = .same
    @Option(help: "Progress line every n iterations.") var progressEvery: Int = 100
    @Option(help: "Write a checkpoint to <out without .ply>-checkpoint/ every n iterations (0: never).") var checkpointEvery: Int = 0
    @Option(help: "Continue the run checkpointed in this directory (same data, seed and settings, --iterations included: it sets the schedule).")
    var resume: String?
    @Option(help: "Stop after this iteration (writing a checkpoint and the model), to resume later.") var stopAfter: Int?

    func run() throws {
        guard iterations >= 1, threads >= 1, (0...3).contains(shDegree), shDegreeInterval >= 1, progressEvery >= 1 else {
            throw ValidationError("--iterations, --threads, --sh-degree-interval and --progress-every must be ≥ 1, --sh-degree 0…3")
        }
        let evaluations = try Set(
            evalAt.split(separator: ",").map { text -> Int in
                guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 else { throw ValidationError("bad --eval-at entry '\(text)'") }
                return n
            })
        let size = try resolution.map(Self.parseResolution)
        let started = Date()
        let dataset = try TrainingDataset.load(directory: data, resolution: size, holdOutEvery: holdOut)
        let start: GaussianScene
        if let initial {
            start = try GaussianScene(contentsOfPLY: initial)
        } else {
            start = try (dataset.points ?? PointCloud.random(count: randomPoints, halfSide: 1.3, seed: seed)).initialScene(shDegree: 0)
        }
        var c = TrainingConfiguration()
        c.iterations = iterations
        c.threads = threads
        c.seed = seed
        c.maxSHDegree = shDegree
        c.shDegreeInterval = shDegreeInterval
        c.densifyFrom = densifyFrom
        c.densifyUntil = densifyUntil
        c.densifyInterval = densifyInterval
        c.pruneLargeAfter = pruneLargeAfter
        c.pruneScreenRadius = pruneScreenRadius
        c.opacityResetInterval = opacityReset
        c.ssimPadding = ssimPadding
        let trainer =
            try resume.map { try GaussianTrainer(resumingFrom: $0, views: dataset.train, configuration: c) }
            ?? GaussianTrainer(scene: start, views: dataset.train, configuration: c)
        let base = URL(fileURLWithPath: out).deletingPathExtension().path
        let first = dataset.train[0].camera
        Self.emit(
            "dataset \(data): \(dataset.train.count) training + \(dataset.test.count) held-out views at \(first.width)×\(first.height); "
                + "\(start.count) initial Gaussians; extent \(String(format: "%.3f", trainer.extent)); loaded in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
        var log = TrainingLog(outputPath: out)
        let clock = Date()
        var recent = (loss: 0.0, psnr: 0.0, count: 0)
        let firstIteration = trainer.iteration
        if firstIteration > 0 { Self.emit("resumed at iteration \(trainer.iteration) with \(trainer.scene.count) Gaussians") }
        let last = min(iterations, stopAfter ?? iterations)
        for _ in trainer.iteration..<max(trainer.iteration, last) {
            let report = trainer.step()
            recent = (recent.loss + Double(report.loss), recent.psnr + Double(report.psnr), recent.count + 1)
            let elapsed = Date().timeIntervalSince(clock)
            if report.iteration % progressEvery == 0 || report.iteration == last {
                let rate = Double(report.iteration) / elapsed
                let eta = Double(iterations - report.iteration) / max(rate, 1e-9)
                Self.emit(
                    String(
                        format: "it %6d/%d  loss %.4f  PSNR %.2f dB  Gaussians %7d  %.1f it/s  ETA %@",
                        report.iteration, iterations, recent.loss / Double(recent.count), recent.psnr / Double(recent.count),
                        report.gaussians, rate, Self.duration(eta)))
                log.addTraining(
                    iteration: report.iteration, seconds: elapsed, loss: recent.loss / Double(recent.count),
                    psnr: recent.psnr / Double(recent.count), gaussians: report.gaussians)
                recent = (0, 0, 0)
            }
            if evaluations.contains(report.iteration) || report.iteration == last {
                let folder = base + "-renders/it\(report.iteration)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let result = try trainer.evaluate(dataset.test) { view, render in
                    let base = URL(fileURLWithPath: view.name).deletingPathExtension().lastPathComponent
                    try render.write(to: "\(folder)/\(base).png")
                    try view.image.write(to: "\(folder)/\(base)-gt.png")
                }
                Self.emit(
                    String(
                        format: "eval it %d: held-out PSNR %.2f dB  SSIM %.4f  L1 %.4f  (%d views, %d Gaussians, %.1f s)",
                        report.iteration, result.psnr, result.ssim, result.l1, result.views, trainer.scene.count, elapsed))
                log.addEvaluation(iteration: report.iteration, seconds: elapsed, result: result, gaussians: trainer.scene.count)
            }
            if (checkpointEvery > 0 && report.iteration % checkpointEvery == 0) || (report.iteration == last && last < iterations) {
                try trainer.writeCheckpoint(to: base + "-checkpoint")
            }
        }
        try trainer.scene.writePLY(to: out)
        try log.write()
        let t = trainer.timings
        let total = Double(max(1, trainer.iteration - firstIteration))
        Self.emit(
            String(
                format:
                    "done: %d Gaussians → %@ in %@; per iteration: forward %.2f ms, loss %.2f ms, backward %.2f ms, Adam %.2f ms, densification %.2f ms",
                trainer.scene.count, out, Self.duration(Date().timeIntervalSince(clock)), 1e3 * t.forward / total,
                1e3 * t.loss / total, 1e3 * t.backward / total, 1e3 * t.optimizer / total, 1e3 * t.densification / total))
    }

    /// Writes a line to standard output at once (print is block-buffered when redirected, and a
    /// long run's progress should reach a log file as it happens).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func parseResolution(_ text: String) throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw ValidationError("--resolution must be WxH, got '\(text)'") }
        return (parts[0], parts[1])
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : (s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s")
    }
}

/// The curves of a run: CSV rows and an SVG of training and held-out PSNR.
struct TrainingLog {
    let outputPath: String
    var rows: [String] = ["iteration,seconds,kind,loss,psnr,ssim,l1,gaussians"]
    var trainingPSNR: [(x: Double, y: Double)] = []
    var heldOutPSNR: [(x: Double, y: Double)] = []

    init(outputPath: String) { self.outputPath = outputPath }

    mutating func addTraining(iteration: Int, seconds: Double, loss: Double, psnr: Double, gaussians: Int) {
        rows.append(String(format: "%d,%.3f,train,%.6f,%.4f,,,%d", iteration, seconds, loss, psnr, gaussians))
        trainingPSNR.append((Double(iteration), psnr))
    }

    mutating func addEvaluation(iteration: Int, seconds: Double, result: GaussianTrainer.Evaluation, gaussians: Int) {
        rows.append(String(format: "%d,%.3f,held_out,,%.4f,%.5f,%.5f,%d", iteration, seconds, result.psnr, result.ssim, result.l1, gaussians))
        heldOutPSNR.append((Double(iteration), result.psnr))
    }

    func write() throws {
        let base = URL(fileURLWithPath: outputPath).deletingPathExtension().path
        try (rows.joined(separator: "\n") + "\n").write(toFile: base + ".csv", atomically: true, encoding: .utf8)
        var plot = SVGPlot(title: "Training PSNR", xLabel: "iteration", yLabel: "PSNR (dB)")
        plot.series = [SVGPlot.Series(name: "training view (mean since last line)", points: trainingPSNR)]
        if !heldOutPSNR.isEmpty { plot.series.append(SVGPlot.Series(name: "held-out views", points: heldOutPSNR)) }
        try plot.write(to: URL(fileURLWithPath: base + ".svg"))
    }
}
