import ArgumentParser
import Foundation
import Renderer
import SeededRandom
import Training

/// `gs-lab bench train`: milliseconds per training iteration, split by phase.
struct TrainBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training iteration time (forward, loss, backward, Adam) on the procedural world at fixed Gaussian counts.",
        discussion: """
            The scene is the world itself (SH 3) with perturbed parameters, trained on views rendered from \
            the unperturbed world; densification is off so the count stays fixed. Wall times per phase, \
            averaged over --iterations after --warmup steps.
            """)

    @Option(help: "Comma-separated cases WxH:gaussians.") var cases: String = "160x120:50000,640x480:200000"
    @Option(help: "Comma-separated thread counts.") var threads: String = "1,2"
    @Option(help: "Measured iterations per case.") var iterations: Int = 50
    @Option(help: "Unmeasured iterations first.") var warmup: Int = 5
    @Option(help: "Training views rendered per case.") var views: Int = 16
    @Option(help: "World seed.") var seed: UInt64 = 1

    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    func run() throws {
        let threadCounts = threads.split(separator: ",").compactMap { Int($0) }
        guard !threadCounts.isEmpty, threadCounts.allSatisfy({ $0 >= 1 }), iterations >= 1, warmup >= 0, views >= 1 else {
            throw ValidationError("bad --threads, --iterations, --warmup or --views")
        }
        // Wall time is what a user sees; process CPU time shows the cost when the cores are shared
        // with other work (with 1 thread, cpu_ms ≈ the idle-machine wall time).
        print(
            "width,height,gaussians,threads,iterations,ms_per_iteration,it_per_s,cpu_ms_per_iteration,forward_ms,loss_ms,backward_ms,adam_ms,other_ms,visible,tile_pairs"
        )
        for spec in cases.split(separator: ",") {
            let parts = spec.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[1]) else { throw ValidationError("bad case '\(spec)'") }
            let (width, height) = try TrainCommand.parseResolution(String(parts[0]))
            let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: count, shDegree: 3))
            var rng = SeededGenerator(seed: seed, stream: 22, index: 0)
            let intrinsics = Camera.Intrinsics(width: width, height: height, verticalFieldOfViewDegrees: 60)
            let training = try (0..<views).map { k -> TrainingView in
                let camera = try world.randomCamera(using: &rng, intrinsics: intrinsics)
                let image = world.memoryScene.render(camera: camera, options: RenderOptions())
                return try TrainingView(name: "view\(k)", camera: camera, image: image)
            }
            // Start away from the optimum so that every gradient is non-trivial.
            let start = world.memoryScene.mapValues { $0 + Float(rng.nextGaussian() * 0.01) }
            for threadCount in threadCounts {
                var c = TrainingConfiguration()
                c.iterations = warmup + iterations
                c.threads = threadCount
                c.densifyUntil = 0
                c.opacityResetInterval = 0
                c.shDegreeInterval = 1
                let trainer = try GaussianTrainer(scene: start, views: training, configuration: c)
                for _ in 0..<warmup { trainer.step() }
                let before = trainer.timings
                let clock = DispatchTime.now().uptimeNanoseconds, cpuClock = Self.processCPUSeconds()
                for _ in 0..<iterations { trainer.step() }
                let total = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e6 / Double(iterations)
                let cpu = (Self.processCPUSeconds() - cpuClock) * 1e3 / Double(iterations)
                let t = trainer.timings, n = Double(iterations)
                let phases = [t.forward - before.forward, t.loss - before.loss, t.backward - before.backward, t.optimizer - before.optimizer]
                    .map { 1e3 * $0 / n }
                let other = total - phases.reduce(0, +)
                let stats = trainer.lastFrameStatistics
                print(
                    String(
                        format: "%d,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d", width, height, start.count, threadCount, iterations,
                        total, 1e3 / total, cpu, phases[0], phases[1], phases[2], phases[3], other, stats.visibleGaussians, stats.tilePairs))
            }
        }
    }
}
