import Foundation
import Optimizers
import Renderer
import SeededRandom
import Training

/// STT-GS's headline experiment (papers/stt-gs.txt, step 8 "S = Train(E | S′)", Table IV,
/// Figs. 7 and 14) in the procedural world: every selection scheme decides which clients upload
/// their whole dataset (``WorldClientDatasets``: K seeded tours, odd clients through the
/// world's changes), the same initial model S′ (the world's memory scene) is fine-tuned by
/// ``GaussianTrainer`` on what that scheme collected, and the result is scored on the same
/// held-out views of reality. Schemes that select the same clients train on the same data and
/// so get the same model; each distinct selection is trained once.
public struct STTGSTrainEvaluation {
    /// The experiment's settings.
    public struct Settings: Sendable, Equatable {
        /// Clients K and the scenario seed (positions, channels, dataset sizes, tours).
        public var clients = 5, seed: UInt64 = 1
        /// Images per client: low and high of the uniform draw (the paper: about 280).
        public var imagesLow = 250, imagesHigh = 310
        /// Sampling ratios ρ compared.
        public var ratios = [0.02, 0.1, 0.2]
        /// Selection schemes compared.
        public var schemes = STTGSSolverName.allCases
        /// Fine-tuning steps.
        public var iterations = 300
        /// Steps after which the held-out views are scored (0: S′ itself).
        public var evaluateAt = [0, 75, 150, 300]
        /// Held-out views per ``WorldViewpoint`` (jittered like the tours, their own seed).
        public var heldOutPerPlace = 2
        /// Worker threads (results do not depend on it).
        public var threads = 1

        /// Defaults: K = 5, 250–310 images each, ρ ∈ {0.02, 0.1, 0.2}, every scheme, 300 steps.
        public init() {}
    }

    /// One scheme at one ρ after some fine-tuning steps.
    public struct Row: Sendable, Equatable {
        /// The sampling ratio ρ of the pilots.
        public var ratio: Double
        /// The selection scheme.
        public var scheme: STTGSSolverName
        /// Clients selected (x_k = 1).
        public var selected: [Int]
        /// Images those clients uploaded.
        public var images: Int
        /// Σ x π̃ (the predicted loss the scheme collected) and Σ x π (the true loss).
        public var predictedLoss: Double, trueLoss: Double
        /// Fine-tuning steps taken.
        public var iteration: Int
        /// Held-out quality of the model after `iteration` steps.
        public var evaluation: GaussianTrainer.Evaluation
    }

    /// Renders the views.
    public let probe: WorldProbe
    /// The settings.
    public let settings: Settings

    /// An experiment in `probe`'s world (its size must be a multiple of 8×6, see
    /// ``WorldClientDatasets``).
    public init(probe: WorldProbe, settings: Settings) throws {
        guard settings.clients >= 1, settings.imagesLow >= 1, settings.imagesLow <= settings.imagesHigh else {
            throw ScenarioError(.invalidSetting, "need ≥ 1 client and 1 ≤ images low ≤ high")
        }
        guard settings.iterations >= 0, settings.evaluateAt.allSatisfy({ (0...settings.iterations).contains($0) }), settings.threads >= 1 else {
            throw ScenarioError(.invalidSetting, "evaluation points must lie in 0…iterations and threads must be ≥ 1")
        }
        guard !settings.ratios.isEmpty, settings.ratios.allSatisfy({ $0 > 0 && $0 <= 1 }), settings.heldOutPerPlace >= 1 else {
            throw ScenarioError(.invalidSetting, "ratios must lie in (0, 1] and there must be held-out views")
        }
        self.probe = probe
        self.settings = settings
    }

    /// The held-out views: `heldOutPerPlace` jittered views of every ``WorldViewpoint``,
    /// reality at 10 s intervals (so the moving objects appear at several places).
    public func heldOutViews() throws -> [TrainingView] {
        var generator = SeededGenerator(seed: settings.seed, stream: Self.heldOutStream, index: 0)
        let places = WorldViewpoint.unchanged + WorldViewpoint.changed
        let rasterizer = GaussianRasterizer()
        var views: [TrainingView] = []
        for copy in 0..<settings.heldOutPerPlace {
            for place in places {
                func jitter(_ amplitude: Double) -> SIMD3<Float> {
                    SIMD3((0..<3).map { _ in Float(generator.nextUniform(in: -amplitude..<amplitude)) })
                }
                let camera = try probe.camera(eye: place.eye + jitter(0.15), target: place.target + jitter(0.25))
                let image = rasterizer.render(probe.world.realityScene(atTime: Double(views.count) * 10), camera: camera)
                views.append(try TrainingView(name: "held-out \(place.name) \(copy)", camera: camera, image: image.clampedToUnitRange()))
            }
        }
        return views
    }

    /// Runs every scheme at every ρ; `log` receives progress lines.
    public func run(log: (String) -> Void = { _ in }) throws -> [Row] {
        var scenario = STTGSScenario(clients: settings.clients, seed: settings.seed)
        (scenario.imagesLow, scenario.imagesHigh) = (settings.imagesLow, settings.imagesHigh)
        var images: [[RGBImage]] = Array(repeating: [], count: settings.clients)
        let datasets = try WorldClientDatasets(probe: probe, imageCounts: scenario.datasetSizes().images, seed: settings.seed) { client, _, image in
            images[client].append(image.clampedToUnitRange())
        }
        let clientViews = try (0..<settings.clients).map { k in
            try zip(datasets.poses[k], images[k]).enumerated().map { index, pair in
                try TrainingView(name: String(format: "client%02d-%04d", k, index), camera: pair.0, image: pair.1)
            }
        }
        let heldOut = try heldOutViews()
        log("recorded \(images.map(\.count).reduce(0, +)) images of \(settings.clients) clients, \(heldOut.count) held-out views")
        var trained: [[Int]: [GaussianTrainer.Evaluation]] = [:]
        var rows: [Row] = []
        for ratio in settings.ratios {
            scenario.samplingRatio = ratio
            let generated = try scenario.generate(datasets: datasets, sampling: .fdc)
            let problem = try generated.instance.stageTwo()
            for scheme in settings.schemes {
                let x = try STTGSSolvers.solve(problem, with: scheme).x
                let selected = x.indices.filter { x[$0] == 1 }
                if trained[selected] == nil {
                    log(
                        "ρ = \(ratio), \(scheme.rawValue): training on clients \(selected) (\(selected.map { clientViews[$0].count }.reduce(0, +)) images)"
                    )
                    trained[selected] = try fineTune(on: selected.flatMap { clientViews[$0] }, heldOut: heldOut, log: log)
                }
                for (point, evaluation) in zip(settings.evaluateAt, trained[selected]!) {
                    rows.append(
                        Row(
                            ratio: ratio, scheme: scheme, selected: selected, images: selected.map { clientViews[$0].count }.reduce(0, +),
                            predictedLoss: selected.map { generated.instance.predictedLoss[$0] }.reduce(0, +),
                            trueLoss: selected.map { generated.trueLoss[$0] }.reduce(0, +), iteration: point, evaluation: evaluation))
                }
            }
        }
        return rows
    }

    /// The held-out quality of S′ fine-tuned on `views`, at every evaluation point (S′ itself
    /// when no client was selected).
    func fineTune(on views: [TrainingView], heldOut: [TrainingView], log: (String) -> Void) throws -> [GaussianTrainer.Evaluation] {
        let initial = probe.world.memoryScene
        guard !views.isEmpty else {
            let evaluation = try GaussianTrainer(scene: initial, views: heldOut, configuration: configuration).evaluate(heldOut)
            return settings.evaluateAt.map { _ in evaluation }
        }
        let trainer = try GaussianTrainer(scene: initial, views: views, configuration: configuration)
        var scores: [Int: GaussianTrainer.Evaluation] = [:]
        for step in 0...settings.iterations {
            if step > 0 { trainer.step() }
            if settings.evaluateAt.contains(step) {
                scores[step] = try trainer.evaluate(heldOut)
                log(
                    String(
                        format: "  step %d: held-out PSNR %.2f dB (pooled), SSIM %.4f, %d Gaussians", step, scores[step]!.pooledPSNR,
                        scores[step]!.ssim,
                        trainer.scene.count))
            }
        }
        return settings.evaluateAt.map { scores[$0]! }
    }

    /// Fine-tuning settings: ``TrainingConfiguration/fineTuning(shDegree:iterations:seed:threads:)``,
    /// as the daemon's training rounds use.
    public var configuration: TrainingConfiguration {
        .fineTuning(shDegree: probe.world.memoryScene.shDegree, iterations: settings.iterations, seed: settings.seed, threads: settings.threads)
    }

    /// Random stream of the held-out jitter.
    static let heldOutStream: UInt64 = 0x4E1D_0C7
}
