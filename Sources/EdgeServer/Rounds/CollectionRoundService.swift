import Foundation
import Renderer
import ServiceLifecycle

/// Runs STT-GS collection rounds beside the slot loop: whenever `sttgs.collectors` new
/// collectors have registered (or `sttgs.registration_window_s` after the first of them did), it
/// runs a ``CollectionRound`` with them and writes its report to `<data>/rounds/`. A collector
/// takes part in one round per session.
final class CollectionRoundService: Service, Sendable {
    private let daemon: EdgeDaemon
    private let configuration: RoundConfiguration
    private let metrics: RoundMetrics

    init(daemon: EdgeDaemon) {
        self.daemon = daemon
        configuration = daemon.configuration.rounds
        metrics = RoundMetrics(registry: daemon.metrics.registry)
    }

    func run() async throws {
        let world = daemon.configuration.slotLoop
        // S′: the memory scene of the world the collectors drive through (same seed and size).
        let model = ProceduralWorld(seed: world.worldSeed, configuration: .init(gaussianCount: world.worldGaussians, shDegree: 1)).memoryScene
        let losses = RoundLosses(model: model, pool: RenderPool(workers: world.renderWorkers))
        let directory = daemon.configuration.dataDirectory + "/rounds"
        daemon.logger.info("STT-GS rounds waiting for collectors", metadata: ["solver": "\(configuration.solver)", "collectors": "\(configuration.collectors)"])
        var served: Set<String> = []
        var firstRegistered: ContinuousClock.Instant?
        var round: UInt64 = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(50)) }
            } catch {
                break
            }
            let ready = daemon.sessions.sessions(role: .collector).filter { !served.contains($0.clientID) }.compactMap(RoundParticipant.init)
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
                index: round, participants: ready, configuration: configuration, daemon: daemon, losses: losses, metrics: metrics
            ).run()
            do {
                try report.write(to: directory)
            } catch {
                daemon.logger.warning("round report write failed", metadata: ["error": "\(error)"])
            }
            daemon.logger.info(
                "STT-GS round done",
                metadata: ["round": "\(round)", "objective": "\(report.objective ?? .nan)", "report": "\(directory)/round-\(round).json"])
            round += 1
        }
    }
}
