import Foundation
import Optimizers
import Protocol
import Renderer
import SlotModel
import Wireless

/// The per-slot decisions of the slot loop: GSMR for robots, IRAC for users.
///
/// Owned by the single slot-loop task (not shared), so it keeps its state — the memory-bias
/// map, each robot's energy account, each user's latest Δ probe, the edge render time
/// estimate — in plain stored properties.
///
/// The renders behind the map (one per uploaded image) and behind Δ (two per user) dominate a
/// slot's compute and grow with the number of clients, so each slot does at most
/// `gsmr.observations_per_slot` and `irac.probes_per_slot` of them, oldest first: with many
/// clients an image is folded into the map, and a user's Δ refreshed, every few slots instead of
/// every slot, and the slot's compute stays bounded (docs/PERFORMANCE.md "Slot loop load test").
struct SlotPlanner {
    let configuration: SlotLoopConfiguration
    let tauSeconds: Double
    let channelSeed: UInt64
    let robotLink = EmulatedLink.robotUplink
    let userLink = EmulatedLink.userDownlink
    var map: MemoryBiasMap
    /// Energy spent (sum of applied powers, W·slot) and slots served, per session id.
    private var energy: [UInt64: (spent: Double, slots: Int)] = [:]
    /// The slot of the last image folded into the map, per session id.
    private var observedImageSlot: [UInt64: UInt64] = [:]
    /// Each user's latest Δ probe, per session id.
    private var probes: [UInt64: Probe] = [:]
    /// The edge latency t_e IRAC plans with: the time from a slot's start until its last FRAME
    /// was sent (everything the slot does first included, since that is what the deadline
    /// t_e + D/R ≤ T_max is checked against), as a guarded worst case of recent slots.
    private(set) var edgeLatency: EdgeLatencyEstimate
    private let iracOptions: IRACSolverOptions

    /// A Δ_k probe: where (quantised) and when it was rendered, and its value.
    struct Probe {
        var key: PoseKey
        var slot: UInt64
        var delta: Double
    }

    init(configuration: SlotLoopConfiguration, tauSeconds: Double, channelSeed: UInt64) throws {
        self.configuration = configuration
        self.tauSeconds = tauSeconds
        self.channelSeed = channelSeed
        map = MemoryBiasMap(cellMetres: configuration.mapCellMetres, prior: configuration.lossPrior)
        edgeLatency = EdgeLatencyEstimate(
            window: configuration.edgeLatencyWindow, margin: configuration.edgeLatencyMargin,
            workers: configuration.renderWorkers, initialRound: 0.005)
        var options = IRACSolverOptions()
        if configuration.iracSolver == IRACSolverName.ilo.rawValue { options.iloModel = try ILOModel.shipped() }
        iracOptions = options
    }

    // MARK: Robots (GSMR)

    /// The IMAGE uploads to fold into the map this slot: (session id, image), at most
    /// `gsmr.observations_per_slot`, robots never observed first, then those observed longest
    /// ago. An upload left out is superseded by the robot's next one.
    mutating func newImages(_ robots: [(Session, Session.State)]) -> [(UInt64, CapturedImage)] {
        let fresh = robots.compactMap { session, state -> (UInt64, CapturedImage)? in
            guard case .image(let image)? = state.latest[.image], image.kind == .mrFrame,
                observedImageSlot[session.id].map({ image.sequence > $0 }) ?? true
            else { return nil }
            return (session.id, image)
        }
        let chosen = Self.oldestFirst(fresh, limit: configuration.observationsPerSlot) { observedImageSlot[$0.0] }
        for (id, image) in chosen { observedImageSlot[id] = image.sequence }
        return chosen
    }

    /// Up to `limit` items, those whose `lastServed` is nil first, then the smallest (ties in
    /// input order).
    private static func oldestFirst<Item>(_ items: [Item], limit: Int, lastServed: (Item) -> UInt64?) -> [Item] {
        guard items.count > limit else { return items }
        let ranked = items.enumerated().map { (rank: lastServed($0.element).map { $0 + 1 } ?? 0, index: $0.offset) }
        return ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.prefix(limit).map { items[$0.index] }
    }

    /// The loss an uploaded image reveals: ℓ(memory render at its pose, the image).
    static func observedLoss(of image: CapturedImage, world: SlotWorld, rasterizer: GaussianRasterizer) -> Double? {
        guard let real = image.image.pngPixels,
            let size = ImageSize(width: real.width, height: real.height),
            let camera = try? image.pose.camera(intrinsics: size.intrinsics)
        else { return nil }
        let memory = rasterizer.render(world.large, camera: camera, options: RenderOptions(threads: 1))
        return (try? ImageMetrics.gsLoss(memory, real)).map(Double.init)
    }

    /// Plans one robot's horizon and returns the first slot's decision.
    mutating func planRobot(_ session: Session, report: PoseReport, slot: UInt64) -> (SlotRecord.Robot, Bool) {
        let poses = Self.horizonPoses(report, slot: slot, limit: configuration.gsmrHorizon)
        let horizon = poses.count
        var losses = poses.map(map.loss(at:))
        if configuration.lossEstimator == .oracle, report.slot == slot, let oracle = report.oracleLoss { losses[0] = oracle }
        let gains = poses.enumerated().map { i, pose in
            robotLink.gain(seed: channelSeed, link: session.linkID, slot: slot + UInt64(i), position: pose.position)
        }
        let budget = horizonBudget(session.id, horizon: horizon, gains: gains)
        let started = ContinuousClock.now
        var decision = (x: false, power: poseOnlyPower(gains[0]), feasible: false)
        do {
            let instance = try GSCLOInstance(
                frames: horizon, slotSeconds: tauSeconds, bandwidth: robotLink.bandwidth, noise: robotLink.noise,
                imageBits: configuration.robotImageBits, poseBits: configuration.robotPoseBits, powerBudget: budget,
                losses: losses, gains: gains)
            let result = try GSCLOSolver.solve(instance, solver: configuration.gsmrSolver)
            decision = (result.x[0] == 1, result.powers[0], result.feasible)
        } catch {
            // The pose-only fallback (decision above) keeps the robot served; the error is logged as infeasible.
        }
        let solverSeconds = (ContinuousClock.now - started).seconds
        var account = energy[session.id] ?? (0, 0)
        // The horizon plan may front-load an image and pay for it in later slots; only the first
        // slot is applied, so never borrow: an image that would lift the running average above
        // P becomes a pose this slot (the saved energy stays available to later plans).
        let allowance = configuration.robotPowerBudget * Double(account.slots + 1) - account.spent
        if decision.x, decision.power > allowance * (1 + 1e-9) {
            decision = (false, poseOnlyPower(gains[0]), decision.feasible)
        }
        account.spent += decision.power
        account.slots += 1
        energy[session.id] = account
        let record = SlotRecord.Robot(
            client: session.clientID, link: session.linkID, x: decision.x ? 1 : 0, powerW: decision.power,
            bits: decision.x ? configuration.robotImageBits : configuration.robotPoseBits, gain: gains[0],
            predictedLoss: losses[0], exactPose: Self.coversSlot(report, slot), poseSlot: report.slot, horizon: horizon, horizonBudgetW: budget, feasible: decision.feasible,
            solverMilliseconds: solverSeconds * 1000)
        return (record, decision.feasible)
    }

    /// The poses of slots `slot, slot+1, …` from a report of slot `report.slot` (its pose, then
    /// its plan), at most `limit`; a report from an earlier slot is advanced along its own plan.
    static func horizonPoses(_ report: PoseReport, slot: UInt64, limit: Int) -> [Pose] {
        let all = [report.pose] + report.plannedPoses
        let offset = slot > report.slot ? min(Int(slot - report.slot), all.count - 1) : 0
        return Array(all[offset...].prefix(limit))
    }

    /// Whether `report` (pose plus plan) has a pose for `slot`.
    static func coversSlot(_ report: PoseReport, _ slot: UInt64) -> Bool {
        slot >= report.slot && slot - report.slot <= UInt64(report.plannedPoses.count)
    }

    /// The per-slot budget that keeps the robot's running average power at P: what is left of
    /// P·(n + W) after the energy already spent, spread over the W slots, but never below what
    /// poses alone need (so the instance stays feasible).
    func horizonBudget(_ id: UInt64, horizon: Int, gains: [Double]) -> Double {
        let account = energy[id] ?? (0, 0)
        let left = (configuration.robotPowerBudget * Double(account.slots + horizon) - account.spent) / Double(horizon)
        let poseFloor = gains.map(poseOnlyPower).reduce(0, +) / Double(horizon)
        return max(left, poseFloor * (1 + 1e-9))
    }

    /// The least power that carries a pose in one slot.
    func poseOnlyPower(_ gain: Double) -> Double {
        Shannon.minimumPower(bits: configuration.robotPoseBits, duration: tauSeconds, bandwidth: robotLink.bandwidth, noise: robotLink.noise, gain: gain)
    }

    // MARK: Users (ECO-GS)

    /// Each user's latest Δ_k and its age in slots at `slot` (nil, and Δ = 0, before its first
    /// probe: the user is not served yet).
    func latestSwitchingGains(_ ids: [UInt64], slot: UInt64) -> [(delta: Double, ageSlots: UInt64?)] {
        ids.map { id in probes[id].map { ($0.delta, slot >= $0.slot ? slot - $0.slot : 0) } ?? (0, nil) }
    }

    /// Δ_k = ℓ(small render, large render) at the probe resolution for the users `ids` at
    /// `poses`, rendered in `pool`. A user is probed again when its pose moved (by 1 cm or 10⁻³
    /// in the quaternion); at most `irac.probes_per_slot` users are probed per slot — never
    /// probed first, then the longest unrefreshed — and the others keep their latest Δ
    /// (0 before their first probe, so they are not served yet).
    ///
    /// - Returns: Δ and its age in slots (nil before the first probe), per user.
    mutating func switchingGains(
        _ ids: [UInt64], poses: [Pose], slot: UInt64, world: SlotWorld, pool: RenderPool
    ) async -> [(delta: Double, ageSlots: UInt64?)] {
        let present = Set(ids)
        probes = probes.filter { present.contains($0.key) }
        let keys = poses.map(PoseKey.init)
        let moved = ids.indices.filter { probes[ids[$0]]?.key != keys[$0] }
        let chosen = Self.oldestFirst(moved, limit: configuration.probesPerSlot) { probes[ids[$0]]?.slot }
        let probe = configuration.probeSize.intrinsics
        let computed = await pool.map(chosen.map { poses[$0] }) { pose, rasterizer -> Double in
            guard let camera = try? pose.camera(intrinsics: probe) else { return 0 }
            let options = RenderOptions(threads: 1)
            let large = rasterizer.render(world.large, camera: camera, options: options)
            let small = rasterizer.render(world.small.scene, camera: camera, options: options)
            return (try? ImageMetrics.gsLoss(small, large)).map(Double.init) ?? 0
        }
        for (k, delta) in zip(chosen, computed) { probes[ids[k]] = Probe(key: keys[k], slot: slot, delta: delta) }
        return latestSwitchingGains(ids, slot: slot)
    }

    /// The IRAC decision for the users at `poses` with switching gains `deltas`; returns the
    /// decision, the gains used and the solver time.
    func planUsers(
        _ sessions: [Session], poses: [Pose], deltas: [Double], slot: UInt64
    ) -> (decision: IRACDecision, gains: [Double], seconds: Double, feasible: Bool) {
        let gains = zip(sessions, poses).map { session, pose in
            userLink.gain(seed: channelSeed, link: session.linkID, slot: slot, position: pose.position)
        }
        let idle = IRACDecision(served: .init(repeating: false, count: sessions.count), powers: .init(repeating: 0, count: sessions.count))
        let started = ContinuousClock.now
        do {
            let instance = try IRACInstance(
                noisePower: userLink.noise, bandwidth: userLink.bandwidth, frameBits: configuration.frameBits,
                latencyBudget: configuration.latencyBudget,
                // Below T_max, so the instance stays valid; at 0.9·T_max hardly any user is served.
                edgeRenderTime: min(edgeLatency.seconds(frames: min(configuration.maxRenderedUsers, sessions.count)), 0.9 * configuration.latencyBudget),
                powerBudget: configuration.userPowerBudget, maxUsers: configuration.maxRenderedUsers,
                switchingGains: deltas, channelGains: gains.map { max($0, .leastNormalMagnitude) })
            let (decision, _) = try IRACSolvers.decide(
                instance, with: IRACSolverName(rawValue: configuration.iracSolver) ?? .pmm, options: iracOptions)
            let feasible = instance.result(decision, solver: configuration.iracSolver, timeSeconds: 0, iterations: 0).feasible
            return (feasible ? decision : idle, gains, (ContinuousClock.now - started).seconds, feasible)
        } catch {
            return (idle, gains, (ContinuousClock.now - started).seconds, false)
        }
    }

    /// Folds a slot's render start and last FRAME (seconds from the slot's start) into t_e.
    mutating func observeEdgeLatency(renderStart: Double, lastFrame: Double?, frames: Int) {
        edgeLatency.observe(renderStart: renderStart, lastFrame: lastFrame, frames: frames)
    }
}

/// A pose quantised to 1 cm and 10⁻³ in the quaternion: a user whose key changed is probed again.
struct PoseKey: Hashable, Sendable {
    let position: SIMD3<Int>
    let orientation: SIMD4<Int>

    init(_ pose: Pose) {
        position = SIMD3((pose.position.x * 100).rounded(), (pose.position.y * 100).rounded(), (pose.position.z * 100).rounded()).toInt
        let q = pose.orientation * 1000
        orientation = SIMD4(
            Int(saturating: q.x.rounded()), Int(saturating: q.y.rounded()), Int(saturating: q.z.rounded()),
            Int(saturating: q.w.rounded()))
    }
}

private extension SIMD3 where Scalar == Double {
    var toInt: SIMD3<Int> { SIMD3<Int>(Int(saturating: x), Int(saturating: y), Int(saturating: z)) }
}
