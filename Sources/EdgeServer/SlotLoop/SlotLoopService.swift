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
/// late; the next slot then starts at once, so no slot index is ever skipped. A slot's compute
/// time is its own work, from when it really began (its lag behind the boundary is logged
/// apart), so one overrun does not make every later slot look slow.
///
/// A slot's compute is the deadline-critical path only: plans, SCHEDULEs and FRAMEs. The renders
/// no deadline waits for — folding the uploaded images into the memory-bias map and probing Δ
/// at the poses the users announced for the next slot — run right after it, in the time left
/// before the next boundary (``prepare(slot:world:planner:pool:)``); if they ever overran it,
/// the next slot's logged lag would show it.
final class SlotLoopService: Service, Sendable {
    private let daemon: EdgeDaemon
    private let configuration: SlotLoopConfiguration
    private let metrics: SlotMetrics
    private let tau: Duration

    init(daemon: EdgeDaemon) {
        self.daemon = daemon
        configuration = daemon.configuration.slotLoop
        metrics = SlotMetrics(registry: daemon.metrics.registry)
        tau = .seconds(checked: daemon.configuration.slotLengthMilliseconds / 1000)
    }

    func run() async throws {
        let world = try SlotWorld(
            seed: configuration.worldSeed, gaussianCount: configuration.worldGaussians, smallFraction: configuration.smallFraction)
        let log = try SlotRunLog(path: daemon.configuration.dataDirectory + "/slot-log.jsonl")
        defer { log.close() }
        daemon.mixedReality.attach(world)
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
            let began = clock.now
            let cpuBefore = ProcessCPUClock.now()
            var record = await runSlot(slot, world: world, planner: &planner, pool: pool, startedAt: boundary)
            let ended = clock.now
            let computed = ended - began
            record.computeMilliseconds = computed.seconds * 1000
            record.cpuMilliseconds = (ProcessCPUClock.now() - cpuBefore) * 1000
            record.lagMilliseconds = (began - boundary).seconds * 1000
            record.late = ended - boundary > tau
            let prepared = await prepare(slot: slot + 1, world: world, planner: &planner, pool: pool)
            record.observeMilliseconds = prepared.observeMilliseconds
            record.probeMilliseconds = prepared.probeMilliseconds
            record.imagesObserved = prepared.imagesObserved
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

        // Robots: plan each horizon on the memory-bias map as of the last slot (uploads are
        // folded in between slots, by prepare(slot:world:planner:pool:)).
        if configuration.lossEstimator == .oracle {
            for (_, _, report) in robots where report.slot < slot { if let l = report.oracleLoss { planner.map.observe(loss: l, at: report.pose) } }
        }
        var robotRecords: [SlotRecord.Robot] = []
        for (session, state, report) in robots {
            if case .image(let image)? = state.latest[.image] { daemon.mixedReality.observe(clientID: session.clientID, image: image) }
            let (decision, feasible) = planner.planRobot(session, report: report, slot: slot)
            daemon.mixedReality.record(clientID: session.clientID, .init(
                slot: slot, pose: SlotPlanner.horizonPoses(report, slot: slot, limit: 1)[0], uploadsImage: decision.x == 1))
            if !feasible { metrics.solverErrors.increment() }
            robotRecords.append(decision)
            metrics.robotSolverTime.record(.seconds(checked: decision.solverMilliseconds / 1000))
            if decision.x == 1 { metrics.imagesScheduled.increment() }
            send(session, Schedule(
                slot: slot, decision: decision.x == 1, powerWatts: decision.powerW,
                expectedRateBitsPerSecond: EmulatedLink.robotUplink.rate(power: decision.powerW, gain: decision.gain),
                deadlineMicroseconds: stage, stageDurationMicroseconds: stage))
        }

        // Users: Δ from probe renders, IRAC, SCHEDULE, then FRAMEs for the served.
        let userPoses = users.map { SlotPlanner.horizonPoses($0.2, slot: slot, limit: 1)[0] }
        let probes = planner.latestSwitchingGains(users.map(\.0.id), slot: slot)
        let plan = planner.planUsers(users.map(\.0), poses: userPoses, deltas: probes.map(\.delta), slot: slot)
        if !plan.feasible, !users.isEmpty { metrics.solverErrors.increment() }
        metrics.userSolverTime.record(.seconds(checked: plan.seconds))
        var userRecords: [SlotRecord.User] = users.indices.map { k in
            let served = plan.decision.served[k]
            let power = plan.decision.powers[k]
            return SlotRecord.User(
                client: users[k].0.clientID, link: users[k].0.linkID, x: served ? 1 : 0, powerW: power,
                bits: served ? configuration.frameBits : 0, gain: plan.gains[k],
                exactPose: SlotPlanner.coversSlot(users[k].2, slot), poseSlot: users[k].2.slot, delta: probes[k].delta, deltaAgeSlots: probes[k].ageSlots,
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
        // FRAMEs, earliest deadline first; each is sent by the worker that rendered it, as soon as
        // it is encoded.
        let renderStarted = ContinuousClock.now
        let airtimes = userRecords.map { configuration.frameBits / max($0.expectedRateBps, .leastNormalMagnitude) }
        let servedUsers = users.indices.filter { userRecords[$0].x == 1 }
        let served = FrameRenderOrder.earliestDeadlineFirst(airtimes: servedUsers.map { airtimes[$0] }).map { servedUsers[$0] }
        let frameIntrinsics = configuration.frameSize.intrinsics
        let frames = await pool.map(served.map { (userPoses[$0], users[$0].0) }) { job, rasterizer -> (Bool, ContinuousClock.Instant) in
            let (pose, session) = job
            guard let camera = try? pose.camera(intrinsics: frameIntrinsics),
                let png = try? rasterizer.render(world.large, camera: camera, options: RenderOptions(threads: 1)).pngData()
            else { return (false, .now) }
            let frame = RenderedFrame(
                slot: slot,
                image: EncodedImage(png: png, width: frameIntrinsics.width, height: frameIntrinsics.height))
            return (session.send(.frame(frame)), .now)
        }
        var latestReady: Double?
        for (k, (delivered, ready)) in zip(served, frames) {
            if delivered { metrics.frames.increment() }
            let readySeconds = (ready - startedAt).seconds
            latestReady = max(latestReady ?? 0, readySeconds)
            userRecords[k].frameReadyMilliseconds = readySeconds * 1000
            userRecords[k].deadlineMiss = !delivered || readySeconds + airtimes[k] > configuration.latencyBudget
            if userRecords[k].deadlineMiss { metrics.deadlineMisses.increment() }
        }
        planner.observeEdgeLatency(renderStart: (renderStarted - startedAt).seconds, lastFrame: latestReady, frames: served.count)
        let renderMilliseconds = (ContinuousClock.now - renderStarted).seconds * 1000
        metrics.renderTime.record(.seconds(checked: renderMilliseconds / 1000))

        let userPower = userRecords.map(\.powerW).reduce(0, +)
        metrics.userPower.record(userPower)
        metrics.robotPower.record(robotRecords.map(\.powerW).reduce(0, +))
        return SlotRecord(
            slot: slot, late: false, computeMilliseconds: 0, cpuMilliseconds: 0, lagMilliseconds: 0, observeMilliseconds: 0,
            probeMilliseconds: 0, renderMilliseconds: renderMilliseconds,
            robotSolver: configuration.gsmrSolver, userSolver: configuration.iracSolver,
            robotSolverMilliseconds: robotRecords.map(\.solverMilliseconds).reduce(0, +),
            userSolverMilliseconds: plan.seconds * 1000, userPowerW: userPower,
            userPowerBudgetW: configuration.userPowerBudget, robots: robotRecords, users: userRecords,
            idleClients: snapshot.filter { !scheduled.contains($0.0.id) }.map(\.0.clientID), imagesObserved: 0)
    }

    /// The work between slots, on a fresh snapshot of the sessions: the robots' new uploads
    /// folded into the memory-bias map, and Δ probed at the poses the users will have in `slot`
    /// (from their POSE plans), both within their per-slot budgets.
    private func prepare(
        slot: UInt64, world: SlotWorld, planner: inout SlotPlanner, pool: RenderPool
    ) async -> (observeMilliseconds: Double, probeMilliseconds: Double, imagesObserved: Int) {
        let sessions = daemon.sessions.sessions().map { ($0, $0.snapshot) }
        let observeStarted = ContinuousClock.now
        let images = planner.newImages(sessions.filter { $0.0.role == .robot })
        let observed = await pool.map(images) { job, rasterizer in
            (job.1.pose, SlotPlanner.observedLoss(of: job.1, world: world, rasterizer: rasterizer))
        }
        for case (let pose, let loss?) in observed { planner.map.observe(loss: loss, at: pose) }
        let probeStarted = ContinuousClock.now
        let users = sessions.compactMap { session, state -> (UInt64, Pose)? in
            guard session.role == .user, case .pose(let report)? = state.latest[.pose] else { return nil }
            return (session.id, SlotPlanner.horizonPoses(report, slot: slot, limit: 1)[0])
        }
        _ = await planner.switchingGains(users.map(\.0), poses: users.map(\.1), slot: slot, world: world, pool: pool)
        let ended = ContinuousClock.now
        return ((probeStarted - observeStarted).seconds * 1000, (ended - probeStarted).seconds * 1000, observed.filter { $0.1 != nil }.count)
    }

    private func send(_ session: Session, _ schedule: Schedule) {
        if session.send(.schedule(schedule)) { metrics.schedules.increment() }
    }
}
