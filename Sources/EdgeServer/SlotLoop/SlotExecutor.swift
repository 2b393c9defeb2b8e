import Foundation
import Protocol
import Renderer
import SlotModel

/// Carries out a slot's merged ``SlotPlan``: sends the SCHEDULEs (and idle ones to the
/// policies' clients nobody planned for), renders the FRAMEs earliest deadline first and sends
/// each as soon as it is encoded, updates the mixed-reality board, counts, and returns the
/// slot's record and what it measured for the policies.
struct SlotExecutor: Sendable {
    let configuration: SlotLoopConfiguration
    let tauSeconds: Double
    let metrics: SlotMetrics
    let board: MixedRealityBoard
    let liveView: LiveViewBoard
    let renderer: SlotRenderer
    /// Views the cluster placement computes on other edges: fetched from there and relayed.
    var remoteViews: RemoteViews? = nil

    /// Runs `plan` for `snapshot`, whose sessions `outbox` reaches; `roles` are the roles the
    /// policies schedule; `startedAt` is the slot's start, which FRAME times count from.
    func execute(
        _ plan: SlotPlan, snapshot: SlotSnapshot, roles: Set<SessionRole>, outbox: SlotOutbox,
        startedAt: ContinuousClock.Instant
    ) async -> (record: SlotRecord, outcome: SlotOutcome) {
        let slot = snapshot.slot
        for update in plan.mixedReality {
            if let image = update.image { board.observe(clientID: update.clientID, image: image) }
            board.record(clientID: update.clientID, update.decision)
        }
        for send in plan.schedules { schedule(send.schedule, to: send.sessionID, outbox) }
        let stage = tauSeconds.wholeMicroseconds
        let idle = snapshot.clients.filter { roles.contains($0.role) && !plan.planned.contains($0.sessionID) }
        for client in idle {
            schedule(
                Schedule(
                    slot: slot, decision: false, powerWatts: 0, expectedRateBitsPerSecond: 0, deadlineMicroseconds: stage,
                    stageDurationMicroseconds: stage), to: client.sessionID, outbox)
        }

        var users = plan.users
        let renderStarted = ContinuousClock.now
        let jobs = FrameRenderOrder.earliestDeadlineFirst(airtimes: plan.frames.map(\.airtimeSeconds)).map { plan.frames[$0] }
        let intrinsics = configuration.frameSize.intrinsics
        let (liveView, clients) = (self.liveView, users.map(\.client))
        // Views placed on other edges are fetched while the local ones render; a failed fetch
        // is rendered here afterwards, so the user is served either way. Keyed by job index.
        var placedElsewhere: [Int: RemoteMember] = [:]
        for (index, job) in jobs.enumerated() {
            if let member = remoteViews?.remoteMember(user: users[job.userIndex].client, pose: job.pose) { placedElsewhere[index] = member }
        }
        let remote = placedElsewhere
        // An unstructured task, not `async let`: this toolchain's task allocator has freed
        // frames out of order around child tasks of heavy async functions (docs/ARCHITECTURE.md,
        // "Known toolchain issue"), and the fetches must overlap the local renders.
        let fetches: Task<[Int: SentFrame], Never>? =
            remote.isEmpty
            ? nil
            : Task { [users] in
                await forwardRemoteViews(jobs, to: remote, users: users, slot: slot, outbox: outbox)
            }
        let local = jobs.indices.filter { remote[$0] == nil }
        let options = RenderOptions(threads: renderer.pool.threadsPerRender(jobs: local.count))
        let render: @Sendable (SlotPlan.FrameJob, GaussianRasterizer, SlotWorld) -> SentFrame = { job, rasterizer, world in
            guard let camera = try? job.pose.camera(intrinsics: intrinsics) else { return SentFrame(delivered: false) }
            let began = ContinuousClock.now
            let image = rasterizer.render(world.large, camera: camera, options: options)
            let rendered = ContinuousClock.now
            guard let png = try? image.pngData() else { return SentFrame(delivered: false) }
            let encoded = ContinuousClock.now
            let frame = RenderedFrame(
                slot: slot, image: EncodedImage(png: png, width: intrinsics.width, height: intrinsics.height))
            var sent = SentFrame(delivered: outbox.send(.frame(frame), to: job.sessionID), encodedBits: Double(png.count * 8))
            sent.renderMilliseconds = (rendered - began).seconds * 1000
            sent.encodeMilliseconds = (encoded - rendered).seconds * 1000
            liveView.storeFrame(clientID: clients[job.userIndex], slot: slot, png: Array(png))
            return sent
        }
        var results: [Int: SentFrame] = [:]
        for (index, result) in zip(local, await renderer.map(local.map { jobs[$0] }, render)) { results[index] = result }
        if let fetches { results.merge(await fetches.value) { local, _ in local } }
        let unserved = jobs.indices.filter { results[$0] == nil }
        for (index, result) in zip(unserved, await renderer.map(unserved.map { jobs[$0] }, render)) { results[index] = result }
        let sent = jobs.indices.map { results[$0] ?? SentFrame(delivered: false) }
        var lastFrame: Double?
        for (job, frame) in zip(jobs, sent) {
            if frame.delivered { metrics.frames.increment() }
            let ready = (frame.at - startedAt).seconds
            lastFrame = max(lastFrame ?? 0, ready)
            users[job.userIndex].frameReadyMilliseconds = ready * 1000
            users[job.userIndex].encodedBits = frame.encodedBits
            users[job.userIndex].renderMilliseconds = frame.renderMilliseconds
            users[job.userIndex].encodeMilliseconds = frame.encodeMilliseconds
            users[job.userIndex].deadlineMiss =
                !frame.delivered || ready + job.airtimeSeconds(encodedBits: frame.encodedBits) > configuration.latencyBudget
            if users[job.userIndex].deadlineMiss { metrics.deadlineMisses.increment() }
        }
        let renderMilliseconds = (ContinuousClock.now - renderStarted).seconds * 1000

        metrics.solverErrors.increment(by: Int64(plan.solverFailures))
        metrics.imagesScheduled.increment(by: Int64(plan.imagesScheduled))
        for robot in plan.robots { metrics.robotSolverTime.record(.seconds(checked: robot.solverMilliseconds / 1000)) }
        metrics.userSolverTime.record(.seconds(checked: plan.userSolverSeconds))
        metrics.renderTime.record(.seconds(checked: renderMilliseconds / 1000))
        let userPower = users.map(\.powerW).reduce(0, +)
        metrics.userPower.record(userPower)
        metrics.robotPower.record(plan.robots.map(\.powerW).reduce(0, +))
        let record = SlotRecord(
            slot: slot, late: false, computeMilliseconds: 0, cpuMilliseconds: 0, lagMilliseconds: 0, observeMilliseconds: 0,
            probeMilliseconds: 0, renderMilliseconds: renderMilliseconds,
            robotSolver: configuration.gsmrSolver.rawValue, userSolver: configuration.iracSolver.rawValue,
            robotSolverMilliseconds: plan.robotSolverSeconds * 1000, userSolverMilliseconds: plan.userSolverSeconds * 1000,
            userPowerW: userPower, userPowerBudgetW: configuration.userPowerBudget, robots: plan.robots, users: users,
            idleClients: idle.map(\.clientID), imagesObserved: 0, frameBits: plan.frameBits)
        if let frameBits = plan.frameBits { metrics.frameBits.record(frameBits) }
        let outcome = SlotOutcome(
            renderStartSeconds: (renderStarted - startedAt).seconds, lastFrameSeconds: lastFrame, framesRendered: jobs.count,
            encodedFrameBits: sent.compactMap(\.encodedBits))
        return (record, outcome)
    }

    /// Fetches, concurrently, the FRAMEs of the jobs in `members` (job index → computing member)
    /// and relays each to its user; by job index, whether it was delivered and when (failed
    /// fetches absent).
    private func forwardRemoteViews(
        _ jobs: [SlotPlan.FrameJob], to members: [Int: RemoteMember], users: [SlotRecord.User],
        slot: UInt64, outbox: SlotOutbox
    ) async -> [Int: SentFrame] {
        guard let remoteViews, !members.isEmpty else { return [:] }
        let size = configuration.frameSize
        let (latencyBudget, liveView) = (configuration.latencyBudget, self.liveView)
        return await withTaskGroup(of: (Int, SentFrame)?.self) { group in
            for (index, member) in members {
                let job = jobs[index]
                let user = users[job.userIndex].client
                group.addTask {
                    guard
                        let view = await remoteViews.fetch(
                            from: member, user: user, pose: job.pose, slot: slot, size: size, timeoutSeconds: latencyBudget)
                    else { return nil }
                    let relayed = Self.relay(view.png, size: size, slot: slot, to: job.sessionID, outbox)
                    liveView.storeFrame(clientID: user, slot: slot, png: Array(view.png))
                    return (index, relayed)
                }
            }
            var relayed: [Int: SentFrame] = [:]
            for await case let (index, result)? in group { relayed[index] = result }
            return relayed
        }
    }

    /// Sends a relayed view as the user's FRAME. Synchronous and not inlined into the async
    /// fetch (docs/ARCHITECTURE.md, "Known toolchain issue").
    @inline(never)
    private static func relay(
        _ png: Data, size: ImageSize, slot: UInt64, to sessionID: UInt64, _ outbox: SlotOutbox
    ) -> SentFrame {
        let frame = RenderedFrame(slot: slot, image: EncodedImage(png: png, width: size.width, height: size.height))
        return SentFrame(delivered: outbox.send(.frame(frame), to: sessionID), encodedBits: Double(png.count * 8))
    }

    private func schedule(_ schedule: Schedule, to sessionID: UInt64, _ outbox: SlotOutbox) {
        if outbox.send(.schedule(schedule), to: sessionID) { metrics.schedules.increment() }
    }
}

/// Where a slot's messages go: the sessions of its snapshot, by session id.
struct SlotOutbox: Sendable {
    private let sessions: [UInt64: Session]

    init(_ sessions: [Session]) {
        self.sessions = Dictionary(sessions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Sends `message` when the session is still attached; false otherwise.
    func send(_ message: Message, to sessionID: UInt64) -> Bool {
        sessions[sessionID]?.send(message) ?? false
    }
}
