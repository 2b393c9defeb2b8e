import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The edge learns: after every collection round that stored samples (STT-GS step 8), and
/// whenever the slot loop has gathered enough robots' images for a memory update (GSMR §IV-A,
/// ``MemoryUpdatePlanner``), fine-tunes the serving model on them (``ModelFineTuning``), one run
/// at a time, on an idle-priority thread of its own
/// (``IdlePriorityThread``: the slot loop's renders always win the cores), stores the result as
/// the next model version and — when its held-out PSNR did not drop — swaps it in between
/// renders (``ServingModel``). Progress goes to `/v1/status`, figures to the metrics, the
/// outcome into the round's report.
///
/// Crash safety: the version's file is durable before its catalog row, and the swap happens
/// after both; a SIGKILL during training leaves the previous version serving after a restart
/// and the round's samples in the store. At start the service trains on the newest round
/// that no version has used yet, so an interrupted run is re-run.
final class TrainingService: Service, Sendable {
    private let configuration: ModelConfiguration
    private let repository: ModelRepository
    private let fineTuning: ModelFineTuning
    private let models: ServingModel
    private let jobs: AsyncStream<TrainingJob>
    private let board: ModelBoard
    private let metrics: TrainingMetrics
    private let logger: Logger
    private let roundsDirectory: String

    init(
        configuration: ModelConfiguration, repository: ModelRepository, models: ServingModel, jobs: AsyncStream<TrainingJob>,
        board: ModelBoard, metrics: TrainingMetrics, logger: Logger
    ) {
        self.configuration = configuration
        self.repository = repository
        fineTuning = ModelFineTuning(dataDirectory: repository.dataDirectory, catalog: repository.catalog, configuration: configuration)
        self.models = models
        self.jobs = jobs
        self.board = board
        self.metrics = metrics
        self.logger = logger
        roundsDirectory = repository.dataDirectory + "/rounds"
    }

    func run() async throws {
        if let round = try pendingRound() {
            logger.info("training on a round no model version has used yet", metadata: ["round": "\(round)"])
            await train(.round(round))
        }
        for await job in jobs.cancelOnGracefulShutdown() {
            await train(job)
        }
    }

    /// The newest round with stored samples that no version (promoted or not) was trained on.
    func pendingRound() throws -> Int? {
        let used = Set(try repository.versions().flatMap(\.rounds))
        return try repository.catalog.sampleRounds().last.flatMap { used.contains($0) ? nil : $0 }
    }

    /// One fine-tuning run; failures are logged and counted, never thrown.
    func train(_ job: TrainingJob) async {
        let base = models.current
        let (board, metrics, fineTuning, iterations) = (self.board, self.metrics, self.fineTuning, configuration.iterations)
        let round: Int? =
            switch job {
            case .round(let round): round
            case .robotImages: nil
            }
        board.update {
            $0.training = true
            $0.round = round
            $0.job = job.name
            $0.iteration = 0
            $0.iterations = iterations
            $0.loss = nil
        }
        let started = ContinuousClock.now
        let stop = NIOLockedValueBox(false)
        do {
            let outcome = try await withGracefulShutdownHandler {
                try await IdlePriorityThread.run(name: "sttgs-training") { policy in
                    board.update { $0.threadPolicy = policy.rawValue }
                    let set =
                        switch job {
                        case .round(let round): try fineTuning.roundSet(round)
                        case .robotImages(let set): set
                        }
                    return try fineTuning.run(
                        base: base.world.large, parent: base.version, set: set,
                        progress: { progress in
                            board.update {
                                $0.iteration = progress.iteration
                                $0.loss = progress.loss
                            }
                        },
                        cancelled: { stop.withLockedValue { $0 } })
                }
            } onGracefulShutdown: {
                stop.withLockedValue { $0 = true }
            }
            let version = try repository.add(outcome.scene, outcome.version)
            board.show(versions: (try? repository.versions()) ?? [])
            if version.promoted {
                models.swap(to: version.version, scene: outcome.scene)
                metrics.promotedVersions.increment()
                metrics.servingVersion.set(Double(version.version))
            }
            metrics.runs.increment()
            metrics.iterations.increment(by: Int64(version.iterations))
            metrics.loss.set(version.finalLoss ?? .nan)
            metrics.heldOutPSNR.set(version.psnrAfter ?? .nan)
            metrics.heldOutSSIM.set(version.ssimAfter ?? .nan)
            metrics.runTime.record(ContinuousClock.now - started)
            board.update {
                $0.runsCompleted += 1
                $0.lastVersion = version.version
                $0.lastPromoted = version.promoted
                $0.lastError = nil
                $0.servingVersion = models.current.version
            }
            if let round { recordInRoundReport(round: round, version: version) }
            logger.info(
                "model version trained",
                metadata: [
                    "version": "\(version.version)", "job": "\(job.name)", "promoted": "\(version.promoted)",
                    "psnr_before": "\(version.psnrBefore ?? .nan)", "psnr_after": "\(version.psnrAfter ?? .nan)",
                ])
        } catch {
            metrics.failedRuns.increment()
            board.update { $0.lastError = "\(error)" }
            logger.warning("training run failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
        }
        board.update { $0.training = false }
    }

    /// Adds the run's outcome to `rounds/round-<r>.json` (and its table) when that report exists.
    private func recordInRoundReport(round: Int, version: ModelVersion) {
        do {
            try RoundReport.addTrainedModel(version, round: round, directory: roundsDirectory)
        } catch {
            logger.warning("round report update failed", metadata: ["round": "\(round)", "error": "\(error)"])
        }
    }
}
