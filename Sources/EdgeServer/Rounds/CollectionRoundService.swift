import Foundation
import ServiceLifecycle

/// Runs STT-GS collection rounds beside the slot loop: whenever `sttgs.collectors` new
/// collectors have registered (or `sttgs.registration_window_s` after the first of them did), it
/// runs a ``CollectionRound`` with them and writes its report to `<data>/rounds/`. A collector
/// takes part in one round per session.
final class CollectionRoundService: Service, Sendable {
    private let configuration: RoundConfiguration
    private let channelSeed: UInt64
    private let dependencies: RoundDependencies

    init(configuration: ServerConfiguration, dependencies: RoundDependencies) {
        self.configuration = configuration.rounds
        channelSeed = configuration.channelSeed
        self.dependencies = dependencies
    }

    func run() async throws {
        let losses = RoundLosses(renderer: dependencies.renderer)
        let directory = dependencies.dataDirectory + "/rounds"
        let logger = dependencies.logger
        logger.info("STT-GS rounds waiting for collectors", metadata: ["solver": "\(configuration.solver)", "collectors": "\(configuration.collectors)"])
        var served: Set<String> = []
        var firstRegistered: ContinuousClock.Instant?
        // Numbered after the rounds already stored, so a restarted daemon's samples (keyed by
        // round, client, index) never collide with an earlier run's.
        var round = UInt64((try dependencies.catalog.sampleRounds().last).map { $0 + 1 } ?? 0)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
            } catch {
                break
            }
            let ready = dependencies.sessions.sessions(role: .collector).filter { !served.contains($0.clientID) }.compactMap(RoundParticipant.init)
            guard !ready.isEmpty else {
                firstRegistered = nil
                continue
            }
            let first = firstRegistered ?? .now
            firstRegistered = first
            guard ready.count >= configuration.collectors || (ContinuousClock.now - first).seconds >= configuration.registrationWindowSeconds else {
                continue
            }
            served.formUnion(ready.map(\.session.clientID))
            firstRegistered = nil
            let report = await CollectionRound(
                index: round, participants: ready, configuration: configuration, channelSeed: channelSeed, dependencies: dependencies,
                losses: losses
            ).run()
            do {
                try report.write(to: directory)
            } catch {
                logger.warning("round report write failed", metadata: ["error": "\(error)"])
            }
            if report.samplesAggregated > 0 { dependencies.completedRounds?.yield(Int(round)) }
            logger.info(
                "STT-GS round done",
                metadata: ["round": "\(round)", "objective": "\(report.objective ?? .nan)", "report": "\(directory)/round-\(round).json"])
            round += 1
        }
    }
}
