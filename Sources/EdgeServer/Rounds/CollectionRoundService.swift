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

    /// How long the service sleeps without collectors when nothing wakes it (a bound, not a
    /// poll: every collector's HELLO, POSE and disconnect wakes it at once).
    static let idleWait = Duration.seconds(60)

    init(configuration: ServerConfiguration, dependencies: RoundDependencies) {
        self.configuration = configuration.rounds
        channelSeed = configuration.channelSeed
        self.dependencies = dependencies
    }

    func run() async throws {
        let losses = RoundLosses(renderer: dependencies.renderer)
        let directory = dependencies.dataDirectory + "/rounds"
        let logger = dependencies.logger
        logger.info(
            "STT-GS rounds waiting for collectors", metadata: ["solver": "\(configuration.solver)", "collectors": "\(configuration.collectors)"])
        var served: Set<String> = []
        var firstRegistered: ContinuousClock.Instant?
        // Numbered after the rounds already stored, so a restarted daemon's samples (keyed by
        // round, client, index) never collide with an earlier run's.
        var round = UInt64((try dependencies.catalog.sampleRounds().last).map { $0 + 1 } ?? 0)
        let sessions = dependencies.sessions
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            // Observe before reading the registry, so a collector that registers meanwhile wakes us.
            let observation = sessions.collectorChanges.observe()
            let ready = sessions.sessions(role: .collector).filter { !served.contains($0.clientID) }.compactMap(RoundParticipant.init)
            if ready.isEmpty { firstRegistered = nil } else if firstRegistered == nil { firstRegistered = .now }
            let wait = registrationWait(ready: ready.count, since: firstRegistered)
            if let wait {
                // A graceful shutdown cancels the wait; the loop's condition then ends the rounds.
                await cancelWhenGracefulShutdown { await ChangeSignal.wait(forAnyOf: [observation], timeout: wait) }
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
            if report.samplesAggregated > 0 { dependencies.trainingJobs?.yield(.round(Int(round))) }
            logger.info(
                "STT-GS round done",
                metadata: ["round": "\(round)", "objective": "\(report.objective ?? .nan)", "report": "\(directory)/round-\(round).json"])
            round += 1
        }
    }

    /// How long to wait for more collectors before a round starts: nil when it starts now
    /// (`sttgs.collectors` are ready, or the registration window since the first has passed).
    private func registrationWait(ready: Int, since first: ContinuousClock.Instant?) -> Duration? {
        guard let first else { return Self.idleWait }
        let waited = (ContinuousClock.now - first).seconds
        guard ready < configuration.collectors, waited < configuration.registrationWindowSeconds else { return nil }
        return .seconds(checked: configuration.registrationWindowSeconds - waited)
    }
}
