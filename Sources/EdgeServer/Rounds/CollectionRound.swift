import Foundation
import Optimizers
import Protocol
import ServiceLifecycle
import SlotModel

/// One STT-GS round (docs/STTGS.md, "Rounds in edge-serverd"):
///
/// 1. the registered collectors' MRC gains H from the shared seeded channel;
/// 2. stage 1: PTTM (or equal power) gives T0 and the pilot powers; every collector gets a
///    `pilot upload` SCHEDULE and uploads its FDC pilots;
/// 3. the edge renders each pilot pose with S′, ψ_k = mean ℓ, π̃_k = |D_k|·ψ_k;
/// 4. stage 2: the configured JCSPC solver picks clients and powers for T − T0 over the
///    collectors whose pilots arrived; the selected get a `dataset upload` SCHEDULE with
///    `decision = 1`, the others `decision = 0`;
/// 5. the selected datasets are aggregated with the pilots into the training set, true losses
///    computed, and everyone gets an `idle` SCHEDULE: the round is over.
///
/// Uploads that are not committed by their stage's deadline (÷ time scale, plus the grace) are
/// outages; a collector whose session resumes mid-stage is sent its SCHEDULE again with the
/// time that is left, and continues its upload from the store's durable offset.
struct CollectionRound: Sendable {
    let index: UInt64
    let participants: [RoundParticipant]
    let configuration: RoundConfiguration
    /// Seed of the shared channel the collectors' gains are drawn from (`slot.channel_seed`).
    let channelSeed: UInt64
    let dependencies: RoundDependencies
    let losses: RoundLosses
    var metrics: RoundMetrics { dependencies.metrics }
    let uplink = CollectorUplink()

    /// A round that could not go on (infeasible pilot stage, no pilots, a solver error).
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs the round to its end and reports it (a failed round reports why).
    func run() async -> RoundReport {
        let started = ContinuousClock.now
        var report = RoundReport(
            round: index, solver: configuration.solver.rawValue, pilotScheme: configuration.pilotScheme.rawValue, timeScale: configuration.timeScale,
            roundSeconds: configuration.roundSeconds, powerSumW: configuration.powerSum, powerMaxW: configuration.powerMax,
            stageTwoPowerW: 0, pilotOutages: 0, datasetOutages: 0, samplesAggregated: 0, wallSeconds: 0,
            collectors: participants.map { p in
                RoundReport.Collector(
                    client: p.session.clientID, link: p.session.linkID, position: [p.position.x, p.position.y, p.position.z],
                    items: p.registration.items, pilots: p.registration.pilots, bitsPerSample: p.registration.bitsPerSample,
                    pilotPowerW: 0, pilotExpectedRateBps: 0, pilotOutage: false, selected: false, powerW: 0, expectedRateBps: 0,
                    datasetUploadBegun: false, datasetOutage: false, resumes: 0)
            })
        do {
            try await stages(&report)
        } catch {
            report.failure = "\(error)"
            metrics.failedRounds.increment()
            dependencies.logger.warning("STT-GS round failed", metadata: ["round": "\(index)", "error": "\(error)"])
        }
        let close = Schedule(
            slot: index, stage: .idle, decision: false, powerWatts: 0, expectedRateBitsPerSecond: 0, deadlineMicroseconds: 0,
            stageDurationMicroseconds: 1)
        for (k, participant) in participants.enumerated() {
            participant.session.send(.schedule(close))
            report.collectors[k].resumes = participant.session.snapshot.resumes
        }
        report.wallSeconds = (ContinuousClock.now - started).seconds
        show(report, report.failure == nil ? .done : .failed)
        metrics.rounds.increment()
        return report
    }

    private func stages(_ report: inout RoundReport) async throws {
        let everyone = Array(participants.indices)
        let gains = uplink.compositeGains(
            seed: channelSeed, round: index, links: participants.map { ($0.session.linkID, $0.position) })

        // Stage 1: pilots.
        let registration = participants.map(\.registration)
        let full = instance(members: everyone, gains: gains, predictedLoss: [Double](repeating: 0, count: participants.count))
        try full.validate()
        let pilotPlan = try PilotTransmission.schedule(full, scheme: configuration.pilotScheme)
        guard pilotPlan.pilotTime < configuration.roundSeconds else {
            throw Failure("the pilot stage needs T0 = \(pilotPlan.pilotTime) s of T = \(configuration.roundSeconds) s")
        }
        let pilotTime = pilotPlan.pilotTime
        report.pilotSeconds = pilotTime
        metrics.pilotTime.set(pilotTime)
        let pilotSchedules = Dictionary(
            uniqueKeysWithValues: everyone.map { k in
                (k, schedule(.pilotUpload, for: k, members: everyone, powers: pilotPlan.powers, gains: gains, seconds: pilotTime))
            })
        for k in everyone {
            report.collectors[k].pilotPowerW = pilotPlan.powers[k]
            report.collectors[k].pilotExpectedRateBps = pilotSchedules[k]!.expectedRateBitsPerSecond
        }
        show(report, .pilots, expectedUploads: pilotSchedules.count)
        let pilots = await upload(.pilots, schedules: pilotSchedules, seconds: pilotTime)
        try stopIfShuttingDown()

        // Loss prediction from the pilots that arrived.
        show(report, .selection)
        let predictionStarted = ContinuousClock.now
        var pilotLosses: [Int: [Double?]] = [:]
        var predicted = [Double](repeating: 0, count: participants.count)
        for k in everyone {
            guard let (upload, samples) = pilots[k] else {
                report.collectors[k].pilotOutage = true
                continue
            }
            report.collectors[k].pilot = upload
            let perImage = await losses.losses(of: samples)
            pilotLosses[k] = perImage
            let valid = perImage.compactMap { $0 }
            guard !valid.isEmpty else { continue }
            let psi = valid.reduce(0, +) / Double(valid.count)
            predicted[k] = Double(registration[k].items) * psi
            report.collectors[k].meanPilotLoss = psi
            report.collectors[k].predictedLoss = predicted[k]
        }
        let predictionSeconds = (ContinuousClock.now - predictionStarted).seconds
        report.predictionWallSeconds = predictionSeconds
        metrics.predictionTime.record(.seconds(checked: predictionSeconds))
        report.pilotOutages = report.collectors.filter(\.pilotOutage).count
        metrics.pilotOutages.increment(by: Int64(report.pilotOutages))

        // Stage 2: selection among the collectors whose pilots arrived.
        let candidates = everyone.filter { report.collectors[$0].predictedLoss != nil }
        guard !candidates.isEmpty else { throw Failure("no pilots arrived before T0") }
        let subGains = candidates.map { k in candidates.map { gains[k][$0] } }
        let stageTwo = STTGSStageTwo(
            instance: instance(members: candidates, gains: subGains, predictedLoss: candidates.map { predicted[$0] }, pilotTime: pilotTime),
            pilotTime: pilotTime)
        report.instance = stageTwo.instance
        let result = try STTGSSolvers.solve(stageTwo, with: configuration.solver)
        report.objective = result.objective
        report.solverSeconds = result.timeSeconds
        report.solverIterations = result.iterations
        report.solverFeasible = result.feasible
        report.solverMaxViolation = result.maxViolation
        metrics.solverTime.record(.seconds(checked: result.timeSeconds))
        metrics.objective.set(result.objective)
        var powers = [Double](repeating: 0, count: participants.count)
        for (i, k) in candidates.enumerated() where result.x[i] == 1 { powers[k] = result.powers[i] }
        let selected = candidates.indices.filter { result.x[$0] == 1 }.map { candidates[$0] }
        report.stageTwoPowerW = powers.reduce(0, +)
        metrics.selectedCollectors.increment(by: Int64(selected.count))
        let remaining = configuration.roundSeconds - pilotTime
        let datasetSchedules = Dictionary(
            uniqueKeysWithValues: selected.map { k in
                (k, schedule(.datasetUpload, for: k, members: selected, powers: powers, gains: gains, seconds: remaining))
            })
        let unselected = Schedule(
            slot: index, stage: .datasetUpload, decision: false, powerWatts: 0, expectedRateBitsPerSecond: 0,
            deadlineMicroseconds: Self.microseconds(remaining), stageDurationMicroseconds: Self.microseconds(remaining))
        for k in everyone {
            report.collectors[k].selected = datasetSchedules[k] != nil
            report.collectors[k].powerW = powers[k]
            report.collectors[k].expectedRateBps = datasetSchedules[k]?.expectedRateBitsPerSecond ?? 0
            if datasetSchedules[k] == nil { participants[k].session.send(.schedule(unselected)) }
        }
        show(report, .datasets, expectedUploads: datasetSchedules.count)
        let datasets = await upload(.dataset, schedules: datasetSchedules, seconds: remaining)
        try stopIfShuttingDown()
        show(report, .aggregation)

        try await aggregate(&report, pilots: pilots, pilotLosses: pilotLosses, datasets: datasets)
    }

    /// A drain (SIGTERM) ends the round where it stands: its report says so.
    private func stopIfShuttingDown() throws {
        if Task.isCancelled || Task.isShuttingDownGracefully { throw Failure("the daemon is shutting down") }
    }

    /// The STT-GS instance of `members` (their gains already restricted to them).
    private func instance(members: [Int], gains: [[Double]], predictedLoss: [Double], pilotTime: Double? = nil) -> STTGSInstance {
        let registration = members.map { participants[$0].registration }
        return STTGSInstance(
            noisePower: uplink.noise, bandwidths: [Double](repeating: uplink.bandwidth, count: members.count),
            timeBudget: configuration.roundSeconds, powerSum: configuration.powerSum, powerMax: configuration.powerMax,
            imageCounts: registration.map(\.items), pilotCounts: registration.map(\.pilots),
            bitsPerSample: registration.map(\.bitsPerSample), predictedLoss: predictedLoss, gains: gains, pilotTime: pilotTime)
    }

    /// Collector `k`'s SCHEDULE in a stage where `members` transmit at `powers` (indexed by
    /// participant) for `seconds`: its power, the rate the shared channel gives it, and the
    /// co-scheduled transmitters it derives its interference from.
    private func schedule(
        _ stage: ScheduleStage, for k: Int, members: [Int], powers: [Double], gains: [[Double]], seconds: Double
    ) -> Schedule {
        var transmitting = [Double](repeating: 0, count: participants.count)
        for j in members { transmitting[j] = powers[j] }
        return Schedule(
            slot: index, stage: stage, decision: true, powerWatts: powers[k],
            expectedRateBitsPerSecond: uplink.rate(of: k, powers: transmitting, gains: gains),
            deadlineMicroseconds: Self.microseconds(seconds), stageDurationMicroseconds: Self.microseconds(seconds),
            coScheduled: members.filter { $0 != k }.map { CoScheduledTransmitter(linkID: participants[$0].session.linkID, powerWatts: powers[$0]) })
    }

    /// Seconds as SCHEDULE's u32 microseconds, rounded up (a deadline never cuts into the time
    /// the plan gives), at least 1.
    static func microseconds(_ seconds: Double) -> UInt32 {
        UInt32(max(1, min(Double(UInt32.max), (seconds * 1e6).rounded(.up))))
    }
}
