import Foundation
import Optimizers
import Protocol
import Renderer
import SlotModel
import Wireless

/// ECO-GS for users (ECO-GS §III): each slot, IRAC decides which users get a FRAME rendered by
/// the edge's large model (x = 1, at the power that meets t_e + D/R ≤ T_max) and which render
/// locally with the small model, maximising the switching gain Σ Δ_k within the power budget
/// and K_max.
///
/// Δ_k = ℓ(small render, large render) at the user's pose is measured by probe renders between
/// slots (``prepare(_:renderer:)``): a user is probed again when its pose moved (1 cm or 10⁻³ in
/// the quaternion), at most `irac.probes_per_slot` per slot, never probed first, then the longest
/// unrefreshed; the others keep their latest Δ (0 before their first probe, so they are not
/// served yet). t_e is learnt from the slots' measured FRAME times, and D from their encoded
/// sizes when `irac.frame_bits_source` is measured (``observe(_:)``). The channel
/// gains g_k are the users' CHANNEL_REPORTs of the slot, or the large-scale mean where none has
/// come (``ChannelPredictor``).
struct UsersPolicy: SlotPolicy {
    let configuration: SlotLoopConfiguration
    let tauSeconds: Double
    let link = EmulatedLink.userDownlink
    var roles: Set<SessionRole> { [.user] }
    /// Each user's latest Δ probe, per session id.
    private(set) var probes: [UInt64: Probe] = [:]
    /// The edge latency t_e IRAC plans with: the time from a slot's start until its last FRAME
    /// was sent (everything the slot does first included, since that is what the deadline
    /// t_e + D/R ≤ T_max is checked against), as a guarded worst case of recent slots.
    private(set) var edgeLatency: EdgeLatencyEstimate
    /// The FRAME size D IRAC plans with: configured, or measured from the encoded FRAMEs.
    private(set) var frameBits: FrameBitsEstimate
    private let solver: IRACSolverName
    private let options: IRACSolverOptions

    /// A Δ_k probe: where (quantised) and when it was rendered, and its value.
    struct Probe: Sendable, Equatable {
        var key: PoseKey
        var slot: UInt64
        var delta: Double
    }

    /// - Throws: when the ILO solver's shipped model cannot be loaded.
    init(configuration: SlotLoopConfiguration, tauSeconds: Double) throws {
        self.configuration = configuration
        self.tauSeconds = tauSeconds
        edgeLatency = EdgeLatencyEstimate(
            window: configuration.edgeLatencyWindow, margin: configuration.edgeLatencyMargin,
            workers: configuration.renderWorkers, initialRound: 0.005)
        frameBits = FrameBitsEstimate(configuration)
        solver = configuration.iracSolver
        var options = IRACSolverOptions()
        if solver == .ilo { options.iloModel = try ILOModel.shipped() }
        self.options = options
    }

    mutating func plan(_ snapshot: SlotSnapshot) -> SlotPlan {
        let slot = snapshot.slot
        let users = snapshot.posed(.user)
        let frameBits = self.frameBits.bits
        var plan = SlotPlan()
        plan.frameBits = frameBits
        guard !users.isEmpty else { return plan }
        let poses = users.map { $0.report.pose(at: slot) }
        let deltas = latestSwitchingGains(users.map(\.client.sessionID), slot: slot)
        let predictor = ChannelPredictor(link: link, estimationErrorRelative: configuration.estimationErrorRelative)
        let beliefs = zip(users, poses).map { user, pose in
            predictor.beliefs(report: user.client.channel, slot: slot, poses: [pose])[0]
        }
        let gains = beliefs.map(\.gain)
        let started = ContinuousClock.now
        let decision = decide(try? instance(deltas: deltas.map(\.delta), gains: gains, frameBits: frameBits))
        plan.userSolverSeconds = (ContinuousClock.now - started).seconds
        if !decision.feasible { plan.solverFailures += 1 }
        let stage = tauSeconds.wholeMicroseconds
        let latencyMicros = configuration.latencyBudget.wholeMicroseconds
        for (k, (client, report)) in users.enumerated() {
            let served = decision.value.served[k]
            let power = decision.value.powers[k]
            let rate = link.rate(power: power, gain: gains[k])
            plan.planned.insert(client.sessionID)
            plan.users.append(
                SlotRecord.User(
                    client: client.clientID, link: client.linkID, x: served ? 1 : 0, powerW: power,
                    bits: served ? frameBits : 0, gain: gains[k], channelReported: beliefs[k].reported, exactPose: report.covers(slot),
                    poseSlot: report.slot,
                    delta: deltas[k].delta, deltaAgeSlots: deltas[k].ageSlots, expectedRateBps: rate,
                    frameReadyMilliseconds: nil, deadlineMiss: false))
            plan.schedules.append(
                .init(
                    sessionID: client.sessionID,
                    schedule: Schedule(
                        slot: slot, decision: served, powerWatts: power, expectedRateBitsPerSecond: rate,
                        deadlineMicroseconds: latencyMicros, stageDurationMicroseconds: stage)))
            if served {
                plan.frames.append(
                    .init(
                        sessionID: client.sessionID, userIndex: k, pose: poses[k],
                        airtimeSeconds: frameBits / max(rate, .leastNormalMagnitude), rateBitsPerSecond: rate,
                        airsEncodedBits: configuration.frameBitsSource == .measured))
            }
        }
        return plan
    }

    /// The IRAC instance of a slot whose users have switching gains `deltas` and channel gains
    /// `gains`, for FRAMEs of `frameBits` (D): t_e is the current
    /// estimate for as many FRAMEs as may be rendered, kept below T_max so the instance stays
    /// valid (at 0.9·T_max hardly any user is served).
    func instance(deltas: [Double], gains: [Double], frameBits: Double) throws -> IRACInstance {
        let frames = min(configuration.maxRenderedUsers, deltas.count)
        return try IRACInstance(
            noisePower: link.noise, bandwidth: link.bandwidth, frameBits: frameBits,
            latencyBudget: configuration.latencyBudget,
            edgeRenderTime: min(edgeLatency.seconds(frames: frames), 0.9 * configuration.latencyBudget),
            powerBudget: configuration.userPowerBudget, maxUsers: configuration.maxRenderedUsers,
            switchingGains: deltas, channelGains: gains.map { max($0, .leastNormalMagnitude) })
    }

    /// The solver's decision when it is feasible; otherwise nobody is served (x = 0, p = 0).
    private func decide(_ built: IRACInstance?) -> (value: IRACDecision, feasible: Bool) {
        guard let instance = built else { return (.idle(0), false) }
        let idle = IRACDecision.idle(instance.userCount)
        guard let (decision, _) = try? IRACSolvers.decide(instance, with: solver, options: options) else { return (idle, false) }
        let feasible = instance.result(decision, solver: solver.rawValue, timeSeconds: 0, iterations: 0).feasible
        return feasible ? (decision, true) : (idle, false)
    }

    mutating func observe(_ outcome: SlotOutcome) {
        edgeLatency.observe(renderStart: outcome.renderStartSeconds, lastFrame: outcome.lastFrameSeconds, frames: outcome.framesRendered)
        frameBits.observe(encodedBits: outcome.encodedFrameBits)
    }

    // MARK: Δ probes

    /// Each user's latest Δ_k and its age in slots at `slot` (nil, and Δ = 0, before its first
    /// probe: the user is not served yet).
    func latestSwitchingGains(_ ids: [UInt64], slot: UInt64) -> [(delta: Double, ageSlots: UInt64?)] {
        ids.map { id in probes[id].map { ($0.delta, slot >= $0.slot ? slot - $0.slot : 0) } ?? (0, nil) }
    }

    /// Probes Δ for the users whose pose in the next slot moved, within the per-slot budget.
    mutating func prepare(_ snapshot: SlotSnapshot, renderer: SlotRenderer) async -> SlotPreparation {
        let started = ContinuousClock.now
        let users = snapshot.posed(.user)
        _ = await switchingGains(
            users.map(\.client.sessionID), poses: users.map { $0.report.pose(at: snapshot.slot) }, slot: snapshot.slot,
            renderer: renderer)
        return SlotPreparation(probeMilliseconds: (ContinuousClock.now - started).seconds * 1000)
    }

    /// Δ_k = ℓ(small render, large render) at the probe resolution for the users `ids` at
    /// `poses`; users gone from `ids` are forgotten.
    ///
    /// - Returns: Δ and its age in slots (nil before the first probe), per user.
    mutating func switchingGains(
        _ ids: [UInt64], poses: [Pose], slot: UInt64, renderer: SlotRenderer
    ) async -> [(delta: Double, ageSlots: UInt64?)] {
        let present = Set(ids)
        probes = probes.filter { present.contains($0.key) }
        let keys = poses.map(PoseKey.init)
        let moved = ids.indices.filter { probes[ids[$0]]?.key != keys[$0] }
        let chosen = oldestFirst(moved, limit: configuration.probesPerSlot) { probes[ids[$0]]?.slot }
        let probe = configuration.probeSize.intrinsics
        let computed = await renderer.map(chosen.map { poses[$0] }) { pose, rasterizer, world -> Double in
            guard let camera = try? pose.camera(intrinsics: probe) else { return 0 }
            let options = RenderOptions(threads: 1)
            let large = rasterizer.render(world.large, camera: camera, options: options)
            let small = rasterizer.render(world.small.scene, camera: camera, options: options)
            return (try? ImageMetrics.gsLoss(small, large)).map(Double.init) ?? 0
        }
        for (k, delta) in zip(chosen, computed) { record(delta, for: ids[k], at: poses[k], slot: slot) }
        return latestSwitchingGains(ids, slot: slot)
    }

    /// Remembers a probe of user `sessionID` at `pose`, measured for `slot`.
    mutating func record(_ delta: Double, for sessionID: UInt64, at pose: Pose, slot: UInt64) {
        probes[sessionID] = Probe(key: PoseKey(pose), slot: slot, delta: delta)
    }
}

/// A pose quantised to 1 cm and 10⁻³ in the quaternion: a user whose key changed is probed again.
struct PoseKey: Hashable, Sendable {
    let position: SIMD3<Int>
    let orientation: SIMD4<Int>

    init(_ pose: Pose) {
        let p = (pose.position * 100).rounded(.toNearestOrAwayFromZero)
        let q = (pose.orientation * 1000).rounded(.toNearestOrAwayFromZero)
        position = SIMD3(Int(saturating: p.x), Int(saturating: p.y), Int(saturating: p.z))
        orientation = SIMD4(Int(saturating: q.x), Int(saturating: q.y), Int(saturating: q.z), Int(saturating: q.w))
    }
}

extension IRACDecision {
    /// Nobody served, no power: what a slot falls back to when IRAC has no feasible answer.
    static func idle(_ users: Int) -> IRACDecision {
        IRACDecision(served: .init(repeating: false, count: users), powers: .init(repeating: 0, count: users))
    }
}
