import Foundation
import Logging
import ProcessMetrics
import Protocol
import ServiceLifecycle

/// The slot loop (ARCHITECTURE.md "One slot"): every τ on a monotonic clock it snapshots the
/// sessions into a ``SlotSnapshot``, asks each ``SlotPolicy`` for its ``SlotPlan`` (GSMR for
/// robots, ECO-GS for users), has the ``SlotExecutor`` carry out the merged plan, and records
/// the slot in metrics and the run log.
///
/// Slot n starts at `start + n·τ`. A slot whose work ends after the next boundary is counted as
/// late; the next slot then starts at once, so no slot index is ever skipped. A slot's compute
/// time is its own work, from when it really began (its lag behind the boundary is logged
/// apart), so one overrun does not make every later slot look slow.
///
/// A slot's compute is the deadline-critical path only: plans, SCHEDULEs and FRAMEs. The renders
/// no deadline waits for — folding uploaded images into the memory-bias map and probing Δ at
/// the poses users announced for the next slot — are the policies' ``SlotPolicy/prepare(_:renderer:)``,
/// run right after it in the time left before the next boundary; if they ever overran it, the
/// next slot's logged lag would show it.
final class SlotLoopService: Service, Sendable {
    /// What the loop needs from the daemon, and nothing more.
    struct Dependencies: Sendable {
        var sessions: SessionRegistry
        var metrics: SlotMetrics
        var statistics: SlotStatisticsBox
        var mixedReality: MixedRealityBoard
        /// The live view: every slot's record, every user's newest FRAME.
        var liveView: LiveViewBoard
        /// The render workers and the world they render (shared with the collection rounds).
        var renderer: SlotRenderer
        var logger: Logger
        /// Where `slot-log.jsonl` is written.
        var dataDirectory: String
        /// Views the cluster placement computes on other edges (nil outside a cluster).
        var remoteViews: RemoteViews? = nil
        /// Where the robots' images go for memory updates (nil: the memory stays as it is).
        var memoryUpdates: MemoryUpdatePlanner.Outlet? = nil
    }

    private let server: ServerConfiguration
    private let configuration: SlotLoopConfiguration
    private let dependencies: Dependencies
    private let slotMilliseconds: Double
    private let tau: Duration

    init(configuration: ServerConfiguration, dependencies: Dependencies) {
        server = configuration
        self.configuration = configuration.slotLoop
        self.dependencies = dependencies
        slotMilliseconds = configuration.slotLengthMilliseconds
        tau = .seconds(checked: configuration.slotLengthMilliseconds / 1000)
    }

    /// The policies of every paper the loop runs, in planning order. They get the slot loop's
    /// settings and τ only: no channel seed, so they plan from clients' reports alone.
    static func makePolicies(_ configuration: ServerConfiguration) throws -> [any SlotPolicy] {
        let tauSeconds = configuration.slotLengthMilliseconds / 1000
        return [
            RobotsPolicy(configuration: configuration.slotLoop, tauSeconds: tauSeconds),
            try UsersPolicy(configuration: configuration.slotLoop, tauSeconds: tauSeconds),
        ]
    }

    func run() async throws {
        let log = try SlotRunLog(path: dependencies.dataDirectory + "/slot-log.jsonl")
        defer { log.close() }
        var policies = try Self.makePolicies(server)
        var outcomes = LinkOutcomeLedger()
        let roles = policies.reduce(into: Set<SessionRole>()) { $0.formUnion($1.roles) }
        let renderer = dependencies.renderer
        let executor = SlotExecutor(
            configuration: configuration, tauSeconds: tau.seconds, metrics: dependencies.metrics,
            board: dependencies.mixedReality, liveView: dependencies.liveView, renderer: renderer,
            remoteViews: dependencies.remoteViews)
        let statistics = dependencies.statistics
        let slotMilliseconds = self.slotMilliseconds
        statistics.update {
            $0.running = true
            $0.slotMilliseconds = slotMilliseconds
            $0.frameBitsSource = configuration.frameBitsSource.rawValue
        }
        dependencies.logger.info(
            "slot loop running",
            metadata: [
                "tau_ms": "\(slotMilliseconds)", "gsmr": "\(configuration.gsmrSolver)",
                "irac": "\(configuration.iracSolver)", "frame_bits_source": "\(configuration.frameBitsSource.rawValue)",
                "log": "\(log.path)",
            ])
        let clock = ContinuousClock()
        let start = clock.now
        var memory = dependencies.memoryUpdates.map { MemoryUpdatePlanner(settings: $0.settings, start: 0) }
        var slot: UInt64 = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let boundary = start + tau * Int(slot)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: boundary, clock: clock) }
            } catch {
                break
            }
            let began = clock.now
            let cpuBefore = ProcessCPUClock.now()
            let modelVersion = renderer.models.current.version
            let sessions = dependencies.sessions.sessions()
            let snapshot = SlotSnapshot(slot: slot, sessions: sessions)
            for (role, tally) in outcomes.observe(snapshot) {
                dependencies.metrics.transmissions[role]?.increment(by: Int64(clamping: tally.transmissions))
                dependencies.metrics.outages[role]?.increment(by: Int64(clamping: tally.outages))
            }
            var plan = SlotPlan()
            for index in policies.indices { plan = plan.merged(with: policies[index].plan(snapshot)) }
            var (record, outcome) = await executor.execute(
                plan, snapshot: snapshot, roles: roles, outbox: SlotOutbox(sessions), startedAt: boundary)
            for index in policies.indices { policies[index].observe(outcome) }
            let ended = clock.now
            let computed = ended - began
            record.computeMilliseconds = computed.seconds * 1000
            record.cpuMilliseconds = (ProcessCPUClock.now() - cpuBefore) * 1000
            record.lagMilliseconds = (began - boundary).seconds * 1000
            record.late = ended - boundary > tau
            record.modelVersion = modelVersion

            let next = SlotSnapshot(slot: slot + 1, sessions: dependencies.sessions.sessions())
            var prepared = SlotPreparation()
            for index in policies.indices { prepared = prepared + (await policies[index].prepare(next, renderer: renderer)) }
            record.observeMilliseconds = prepared.observeMilliseconds
            record.probeMilliseconds = prepared.probeMilliseconds
            record.imagesObserved = prepared.imagesObserved
            if prepared.imagesObserved > 0 { record.observedLoss = prepared.observedLossSum / Double(prepared.imagesObserved) }
            if let outlet = dependencies.memoryUpdates {
                memory?.add(prepared.uploadedViews)
                if let set = memory?.update(at: (clock.now - start).seconds, trainingBusy: outlet.isTraining()) {
                    outlet.jobs.yield(.robotImages(set))
                }
            }

            dependencies.metrics.slots.increment()
            dependencies.metrics.computeTime.record(computed)
            if record.late { dependencies.metrics.lateSlots.increment() }
            statistics.update {
                $0.slotsCompleted += 1
                if record.late { $0.lateSlots += 1 }
                $0.lastComputeMilliseconds = record.computeMilliseconds
                $0.frameBits = record.frameBits
            }
            dependencies.liveView.publish(record, slotMilliseconds: slotMilliseconds)
            do { try log.append(record) } catch { dependencies.logger.warning("slot log write failed", metadata: ["error": "\(error)"]) }
            slot += 1
        }
        statistics.update { $0.running = false }
    }
}
