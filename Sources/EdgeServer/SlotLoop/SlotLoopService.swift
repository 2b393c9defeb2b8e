import Foundation
import Logging
import NIOCore
import Protocol
import Renderer
import ServiceLifecycle
import SlotModel

/// The slot loop (DESIGN.md "One slot"): every τ on a monotonic clock it snapshots the
/// sessions, decides for robots (GSMR) and users (ECO-GS), sends every client its SCHEDULE,
/// renders FRAMEs for served users, and records everything in metrics and the run log.
///
/// Slot n starts at `start + n·τ`. A slot whose work ends after the next boundary is counted as
/// late; the next slot then starts at once, so no slot index is ever skipped.
final class SlotLoopService: Service, Sendable {
    private let daemon: EdgeDaemon
    private let configuration: SlotLoopConfiguration
    private let metrics: SlotMetrics
    private let tau: Duration

    init(daemon: EdgeDaemon) {
        self.daemon = daemon
        configuration = daemon.configuration.slotLoop
        metrics = SlotMetrics(registry: daemon.metrics.registry)
        tau = .nanoseconds(Int64(daemon.configuration.slotLengthMilliseconds * 1e6))
    }

    func run() async throws {
        let world = try SlotWorld(
            seed: configuration.worldSeed, gaussianCount: configuration.worldGaussians, smallFraction: configuration.smallFraction)
        let log = try SlotRunLog(path: daemon.configuration.dataDirectory + "/slot-log.jsonl")
        defer { log.close() }
        var planner = try SlotPlanner(
            configuration: configuration, tauSeconds: tau.seconds, channelSeed: daemon.configuration.channelSeed)
        daemon.slotStatistics.update {
            $0.running = true
            $0.slotMilliseconds = daemon.configuration.slotLengthMilliseconds
        }
        daemon.logger.info(
            "slot loop running",
            metadata: ["tau_ms": "\(daemon.configuration.slotLengthMilliseconds)", "gsmr": "\(configuration.gsmrSolver)",
                       "irac": "\(configuration.iracSolver)", "log": "\(log.path)"])
        let clock = ContinuousClock()
        let start = clock.now
        let pool = RenderPool(workers: configuration.renderWorkers)
        var slot: UInt64 = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let boundary = start + tau * Int(slot)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: boundary, clock: clock) }
            } catch {
                break
            }
            var record = await runSlot(slot, world: world, planner: &planner, pool: pool, startedAt: boundary)
            let computed = clock.now - boundary
            record.computeMilliseconds = computed.seconds * 1000
            record.late = computed > tau
            metrics.slots.increment()
            metrics.computeTime.record(computed)
            if record.late { metrics.lateSlots.increment() }
            daemon.slotStatistics.update {
                $0.slotsCompleted += 1
                if record.late { $0.lateSlots += 1 }
                $0.lastComputeMilliseconds = record.computeMilliseconds
            }
            do { try log.append(record) } catch { daemon.logger.warning("slot log write failed", metadata: ["error": "\(error)"]) }
            slot += 1
        }
        daemon.slotStatistics.update { $0.running = false }
    }

    /// One slot's decisions, messages and renders.
    private func runSlot(
        _ slot: UInt64, world: SlotWorld, planner: inout SlotPlanner, pool: RenderPool, startedAt: ContinuousClock.Instant
    ) async -> SlotRecord {
        let snapshot = daemon.sessions.sessions().map { ($0, $0.snapshot) }
        func withPose(_ role: SessionRole) -> [(Session, Session.State, PoseReport)] {
            snapshot.compactMap { session, state in
                guard session.role == role, case .pose(let report)? = state.latest[.pose] else { return nil }
                return (session, state, report)
            }
        }
        let robots = withPose(.robot)
        let users = withPose(.user)
        // Collectors follow their own rounds (Rounds/), not the slots.
        let scheduled = Set(robots.map(\.0.id) + users.map(\.0.id) + snapshot.filter { $0.0.role == .collector }.map(\.0.id))
        let stage = UInt32(tau.seconds * 1e6)

        // Robots: fold new uploads into the memory-bias map, then plan each horizon.
        let images = planner.newImages(robots.map { ($0.0, $0.1) })
        let observed = await pool.map(images) { _, image in (image.pose, SlotPlanner.observedLoss(of: image, world: world)) }
        for case (let pose, let loss?) in observed { planner.map.observe(loss: loss, at: pose) }
        if configuration.lossEstimator == .oracle {
            for (_, _, report) in robots where report.slot < slot { if let l = report.oracleLoss { planner.map.observe(loss: l, at: report.pose) } }
        }
        var robotRecords: [SlotRecord.Robot] = []
        for (session, _, report) in robots {
            let (decision, feasible) = planner.planRobot(session, report: report, slot: slot)
            if !feasible { metrics.solverErrors.increment() }
            robotRecords.append(decision)
            metrics.robotSolverTime.record(.nanoseconds(Int64(decision.solverMilliseconds * 1e6)))
            if decision.x == 1 { metrics.imagesScheduled.increment() }
            send(session, Schedule(
                slot: slot, decision: decision.x == 1, powerWatts: decision.powerW,
                expectedRateBitsPerSecond: EmulatedLink.robotUplink.rate(power: decision.powerW, gain: decision.gain),
                deadlineMicroseconds: stage, stageDurationMicroseconds: stage))
        }

        // Users: Δ from probe renders, IRAC, SCHEDULE, then FRAMEs for the served.
        let userPoses = users.map { SlotPlanner.horizonPoses($0.2, slot: slot, limit: 1)[0] }
        let deltas = await planner.switchingGains(userPoses, world: world, pool: pool)
        let plan = planner.planUsers(users.map(\.0), poses: userPoses, deltas: deltas, slot: slot)
        if !plan.feasible, !users.isEmpty { metrics.solverErrors.increment() }
        metrics.userSolverTime.record(.nanoseconds(Int64(plan.seconds * 1e9)))
        var userRecords: [SlotRecord.User] = users.indices.map { k in
            let served = plan.decision.served[k]
            let power = plan.decision.powers[k]
            return SlotRecord.User(
                client: users[k].0.clientID, link: users[k].0.linkID, x: served ? 1 : 0, powerW: power,
                bits: served ? configuration.frameBits : 0, gain: plan.gains[k],
                exactPose: SlotPlanner.coversSlot(users[k].2, slot), delta: deltas[k],
                expectedRateBps: EmulatedLink.userDownlink.rate(power: power, gain: plan.gains[k]),
                frameReadyMilliseconds: nil, deadlineMiss: false)
        }
        let latencyMicros = UInt32(configuration.latencyBudget * 1e6)
        for (k, user) in users.enumerated() {
            send(user.0, Schedule(
                slot: slot, decision: userRecords[k].x == 1, powerWatts: userRecords[k].powerW,
                expectedRateBitsPerSecond: userRecords[k].expectedRateBps, deadlineMicroseconds: latencyMicros,
                stageDurationMicroseconds: stage))
        }
        for (session, _) in snapshot where !scheduled.contains(session.id) {
            send(session, Schedule(
                slot: slot, decision: false, powerWatts: 0, expectedRateBitsPerSecond: 0, deadlineMicroseconds: stage,
                stageDurationMicroseconds: stage))
        }
        let renderStarted = ContinuousClock.now
        let served = users.indices.filter { userRecords[$0].x == 1 }
        let frameIntrinsics = configuration.frameSize.intrinsics
        let frames = await pool.map(served.map { (userPoses[$0], $0) }) { pose, _ -> (ByteBuffer?, Double, ContinuousClock.Instant) in
            let began = ContinuousClock.now
            guard let camera = try? pose.camera(intrinsics: frameIntrinsics) else { return (nil, 0, .now) }
            let image = GaussianRasterizer().render(world.large, camera: camera, options: RenderOptions(threads: 1))
            let seconds = (ContinuousClock.now - began).seconds
            guard let png = try? image.pngData() else { return (nil, seconds, .now) }
            return (ByteBuffer(bytes: png), seconds, .now)
        }
        for (k, (bytes, seconds, ready)) in zip(served, frames) {
            planner.observeRender(seconds: seconds)
            let readyMilliseconds = (ready - startedAt).seconds * 1000
            let airtime = configuration.frameBits / max(userRecords[k].expectedRateBps, .leastNormalMagnitude)
            var delivered = false
            if let bytes {
                let frame = RenderedFrame(
                    slot: slot,
                    image: EncodedImage(width: UInt16(frameIntrinsics.width), height: UInt16(frameIntrinsics.height), encoding: .png, bytes: bytes))
                delivered = users[k].0.send(.frame(frame))
                if delivered { metrics.frames.increment() }
            }
            userRecords[k].frameReadyMilliseconds = readyMilliseconds
            userRecords[k].deadlineMiss = !delivered || readyMilliseconds / 1000 + airtime > configuration.latencyBudget
            if userRecords[k].deadlineMiss { metrics.deadlineMisses.increment() }
        }
        let renderMilliseconds = (ContinuousClock.now - renderStarted).seconds * 1000
        metrics.renderTime.record(.nanoseconds(Int64(renderMilliseconds * 1e6)))
        let userPower = userRecords.map(\.powerW).reduce(0, +)
        metrics.userPower.record(userPower)
        metrics.robotPower.record(robotRecords.map(\.powerW).reduce(0, +))
        return SlotRecord(
            slot: slot, late: false, computeMilliseconds: 0, renderMilliseconds: renderMilliseconds,
            robotSolver: configuration.gsmrSolver, userSolver: configuration.iracSolver,
            robotSolverMilliseconds: robotRecords.map(\.solverMilliseconds).reduce(0, +),
            userSolverMilliseconds: plan.seconds * 1000, userPowerW: userPower,
            userPowerBudgetW: configuration.userPowerBudget, robots: robotRecords, users: userRecords,
            idleClients: snapshot.filter { !scheduled.contains($0.0.id) }.map(\.0.clientID), imagesObserved: observed.filter { $0.1 != nil }.count)
    }

    private func send(_ session: Session, _ schedule: Schedule) {
        if session.send(.schedule(schedule)) { metrics.schedules.increment() }
    }
}
