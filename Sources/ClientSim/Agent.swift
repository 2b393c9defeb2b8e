import Foundation
import NIOCore
import Protocol
import Renderer
import SlotModel
import SplatClient
import Wireless

/// Settings every agent of a client-sim process shares.
struct AgentSettings: Sendable {
    var transport: SplatTransport
    var host: String
    var port: Int
    var token: String
    var seed: UInt64
    var duration: Double
    var timeScale: Double
    var horizon: Int
    var imageSize: ImageSize
    var frameSize: ImageSize
    var robotImageBits: Double
    var robotPoseBits: Double
    var frameBits: Double
    /// Whether a FRAME's airtime is for `frameBits` or for the PNG received (the daemon's
    /// `irac.frame_bits_source`).
    var frameBitsSource = FrameBitsSource.configured
    var reportsOracleLoss: Bool
    /// The pilot's estimation error ω² = r·‖h̃‖² (``PilotObservation``): r = 0 estimates exactly.
    var estimationError: ChannelEstimateError
    /// Antennas N of the edge's robot receiver (the daemon's `gsmr.antennas`).
    var uplinkAntennas: Int
    /// The edge's receiver for robots sharing it (the daemon's `gsmr.multi_robot`).
    var uplinkCombiner: UplinkCombiner
    /// The robots' shared air at that receiver.
    var air: SharedAir
    /// Render the true and fallback views each slot to report loss and PSNR. Without it (load
    /// generation) users render nothing and robots capture a real image only every
    /// ``AgentRun/loadCaptureInterval`` slots, uploading their latest capture (with its own
    /// pose) in between; loss and PSNR are NaN.
    var evaluatesQuality: Bool
}

/// One simulated robot or user: connects, streams poses, follows its SCHEDULEs over its
/// emulated link and records a ``SlotRow`` per slot.
struct Agent: Sendable {
    let role: ClientRole
    let index: Int
    let settings: AgentSettings
    let world: SlotWorld

    var clientID: String { "\(role == .robot ? "robot" : "user")-\(settings.seed)-\(index)" }

    /// Connects, says HELLO (retrying a full or restarting daemon, ``AdmissionRetry``) and
    /// follows the daemon's schedules for the run's duration; says BYE however the run ends, so
    /// its seat is free at once instead of after the resume grace.
    func run() async throws -> AgentReport {
        let retry = AdmissionRetry(deadline: .now + .seconds(settings.duration))
        let (connection, welcome) = try await retry.run(seed: settings.seed &+ UInt64(index)) {
            let connection = try await settings.transport.connect(host: settings.host, port: settings.port, token: settings.token)
            do {
                return (connection, try await connection.hello(Hello(role: role, clientID: clientID, token: settings.token)))
            } catch {
                await connection.close()
                throw error
            }
        }
        let run = AgentRun(agent: self, connection: connection, welcome: welcome)
        do {
            try await run.followSchedules()
        } catch {
            await connection.bye(.normal)
            throw error
        }
        await connection.bye(.normal)
        return run.report
    }
}

/// One agent's connected run, split into synchronous decisions (`react(to:)` and what it calls)
/// and a thin async loop that only waits, sends and sleeps.
///
/// Why the split: Swift 6.3's release optimiser sized the async frames of this code too small
/// once its synchronous work (rendering, channel gains, metrics) was inlined into them —
/// AddressSanitizer with `SWIFT_DEBUG_ENABLE_TASK_SLAB_ALLOCATOR=0` showed 4-byte writes past
/// the task-allocated frame, which corrupted the heap of every agent (docs/ARCHITECTURE.md,
/// "Known toolchain issue"). The synchronous entry points are `@inline(never)` so none of their
/// work is laid out in an async frame, and the mutable state lives in this object, not in frames.
private final class AgentRun {
    /// What an agent sees at a pose: the true view (a robot's real image, taken at
    /// `capturePose`) and the view it would show without help (nil when not rendered: see
    /// ``AgentSettings/evaluatesQuality``).
    struct View {
        var truth: RGBImage?
        /// The real image as uploaded, when encoded once for many uploads (load generation).
        var truthPNG: Data?
        var capturePose: Pose
        var fallback: RGBImage?
        var loss: Double
    }

    /// Slots a load-generating robot reuses a capture (see ``AgentSettings/evaluatesQuality``):
    /// a render of the 20k-Gaussian world per robot and slot would need more cores than a test
    /// machine running the daemon too has, and the daemon's cost per upload does not depend on
    /// how fresh the image is.
    static let loadCaptureInterval: UInt64 = 10

    /// A FRAME the server owes this user for a slot with x = 1.
    struct PendingFrame {
        var schedule: Schedule
        var receivedAt: ContinuousClock.Instant
        var view: View
        var pose: Pose
    }

    let agent: Agent
    let connection: any SplatSession
    let welcome: Welcome
    let tau: Double
    private(set) var report: AgentReport
    private var robot: UnicycleRobot
    private let motion: UserMotion
    private var robotSlot: UInt64
    /// The robot's poses of recent slots: a SCHEDULE can name a slot the robot has already
    /// moved past (the slot in progress when it joined, or one queued while it was busy).
    private var robotPoses: [UInt64: Pose] = [:]
    /// The newest slot a POSE went out for. A robot cannot plan from a state it has left, so a
    /// POSE for an older slot would label later poses with earlier slots.
    private var announcedSlot: UInt64?
    private var views: [UInt64: View] = [:]
    private var pending: PendingFrame?
    /// A load-generating robot's latest real image and its slot.
    private var lastCapture: (slot: UInt64, view: View)?
    /// Transmissions carried out at a scheduled power, and outages among them (CHANNEL_REPORT).
    private var transmissions: UInt32 = 0
    private var outages: UInt32 = 0
    private let rasterizer = GaussianRasterizer()
    private let options = RenderOptions(threads: 1)

    private var settings: AgentSettings { agent.settings }
    private var isRobot: Bool { agent.role == .robot }
    private var link: EmulatedLink {
        guard isRobot else { return .userDownlink }
        var uplink = EmulatedLink.robotUplink
        uplink.antennas = settings.uplinkAntennas
        return uplink
    }

    @inline(never)
    init(agent: Agent, connection: any SplatSession, welcome: Welcome) {
        self.agent = agent
        self.connection = connection
        self.welcome = welcome
        tau = Double(welcome.slotLengthMicroseconds) / 1e6
        report = AgentReport(client: agent.clientID, role: agent.role == .robot ? "robot" : "user", link: welcome.linkID, rows: [])
        robot = UnicycleRobot(route: agent.world.world.route(index: agent.index), tau: tau)
        motion = UserMotion(seed: agent.settings.seed, index: agent.index)
        robotSlot = welcome.currentSlot
        robotPoses[robotSlot] = robot.pose
    }

    /// What the async loop does after a message: the I/O a synchronous decision asks for.
    enum Step {
        case ignore
        case stop
        /// Send `first` at once, then these messages after sleeping `delay` (a robot's emulated
        /// airtime: the next slot's pilot report does not wait for this slot's data).
        case send([Message], after: Duration = .zero, first: [Message] = [])
    }

    /// Announces the first pose, then follows SCHEDULEs (and FRAMEs) until the run's duration ends.
    func followSchedules() async throws {
        for message in announcement(for: welcome.currentSlot + 1) { try await connection.send(message) }
        let ends = ContinuousClock.now + .nanoseconds(Int64(settings.duration * 1e9))
        receiving: for await push in connection.pushes {
            if ContinuousClock.now >= ends { break }
            switch react(to: push.message) {
            case .ignore:
                continue
            case .stop:
                break receiving
            case .send(let messages, let delay, let first) where delay > .zero:
                for message in first { try await connection.send(message) }
                // The emulated airtime must not hold up the next SCHEDULE (a robot's airtime can
                // fill its whole slot): the messages go out when it has passed, meanwhile the
                // loop keeps reading. A send after the run ended fails harmlessly.
                let connection = self.connection
                Task {
                    try? await Task.sleep(for: delay)
                    for message in messages { try? await connection.send(message) }
                }
            case .send(let messages, _, let first):
                for message in first + messages { try await connection.send(message) }
            }
        }
    }

    @inline(never)
    private func react(to message: Message) -> Step {
        switch message {
        case .schedule(let schedule) where schedule.stage == .slot:
            if let waiting = pending {  // the FRAME did not come before the next slot
                count(outage: true)
                record(
                    waiting.schedule, view: waiting.view, shown: nil, bits: settings.frameBits, latency: .infinity, outage: true, pose: waiting.pose)
                pending = nil
            }
            let pose = pose(at: schedule.slot)
            let current = views[schedule.slot] ?? view(at: pose, slot: schedule.slot)
            if isRobot { return followRobotSchedule(schedule, pose: pose, view: current) }
            if schedule.decision {
                // The next POSE goes out once the FRAME is in, so the wait measured for the
                // frame is the server's, not this agent's own rendering.
                pending = PendingFrame(schedule: schedule, receivedAt: .now, view: current, pose: pose)
                return .ignore
            }
            record(schedule, view: current, shown: nil, bits: 0, latency: 0, outage: false, pose: pose)
            return .send(announcement(for: schedule.slot + 1))
        case .frame(let frame):
            guard let waiting = pending, waiting.schedule.slot == frame.slot else { return .ignore }
            pending = nil
            receive(frame, for: waiting)
            return .send(announcement(for: frame.slot + 1))
        case .bye, .error:
            return .stop
        default:
            return .ignore
        }
    }

    private func pose(at slot: UInt64) -> Pose {
        if !isRobot { return motion.pose(atTime: Double(slot) * tau) }
        if slot < robotSlot { return robotPoses[slot] ?? robot.pose }
        while robotSlot < slot {
            robot.step()
            robotSlot += 1
            robotPoses[robotSlot] = robot.pose
            robotPoses[robotSlot &- Self.posesKept] = nil
        }
        return robot.pose
    }

    /// Slots of robot poses kept for late SCHEDULEs (about the horizon the server plans over).
    private static let posesKept: UInt64 = 64

    private func view(at pose: Pose, slot: UInt64) -> View {
        let size = isRobot ? settings.imageSize : settings.frameSize
        guard let camera = try? pose.camera(intrinsics: size.intrinsics) else {
            let blank = RGBImage(width: size.width, height: size.height)
            return View(truth: blank, truthPNG: nil, capturePose: pose, fallback: blank, loss: 0)
        }
        let world = agent.world
        if isRobot, !settings.evaluatesQuality {
            // Re-captured on slots staggered by index, so the robots' renders spread out.
            if let lastCapture, lastCapture.slot == slot || (slot &+ UInt64(agent.index)) % Self.loadCaptureInterval != 0 {
                return lastCapture.view
            }
            let image = rasterizer.render(world.world.realityScene(atTime: Double(slot) * tau), camera: camera, options: options)
            let captured = View(truth: image, truthPNG: try? image.pngData(), capturePose: pose, fallback: nil, loss: .nan)
            lastCapture = (slot, captured)
            return captured
        }
        guard settings.evaluatesQuality else { return View(truth: nil, truthPNG: nil, capturePose: pose, fallback: nil, loss: .nan) }
        let truth =
            isRobot
            ? rasterizer.render(world.world.realityScene(atTime: Double(slot) * tau), camera: camera, options: options)
            : rasterizer.render(world.large, camera: camera, options: options)
        let fallback = rasterizer.render(isRobot ? world.large : world.small.scene, camera: camera, options: options)
        return View(
            truth: truth, truthPNG: nil, capturePose: pose, fallback: fallback, loss: Double((try? ImageMetrics.gsLoss(fallback, truth)) ?? 0))
    }

    /// The POSE for `slot`, whose view is kept for the slot's SCHEDULE; none when a POSE for
    /// this or a later slot already went out.
    @inline(never)
    private func announcement(for slot: UInt64) -> [Message] {
        if let announcedSlot, slot <= announcedSlot { return [] }
        announcedSlot = slot
        let pose = pose(at: slot)
        let current = view(at: pose, slot: slot)
        views = [slot: current]
        // Both roles announce their next poses, so a server that reads this POSE a slot late
        // still uses the pose the agent really has.
        let planned =
            isRobot
            ? robot.plannedPoses(max(0, settings.horizon - 1))
            : (1..<max(1, settings.horizon)).map { motion.pose(atTime: Double(slot + UInt64($0)) * tau) }
        return [
            .pose(
                PoseReport(
                    slot: slot, timestampNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), pose: pose,
                    oracleLoss: settings.reportsOracleLoss ? current.loss : nil, plannedPoses: planned)),
            .channelReport(channelReport(slot: slot, pose: pose)),
        ]
    }

    /// The slot's pilot estimate h̃ and the running transmission and outage counts.
    private func channelReport(slot: UInt64, pose: Pose) -> ChannelReport {
        let observation = pilot(slot: slot, pose: pose)
        if isRobot { settings.air.post(link: welcome.linkID, slot: slot, observation) }
        let estimate = observation.estimate
        let gain = estimate.reduce(0) { $0 + $1.lengthSquared }
        return ChannelReport(
            slot: slot, snrDecibels: 10 * log10(max(gain, .leastNormalMagnitude) / link.noise), gain: gain,
            coefficients: estimate.map(ChannelCoefficient.init),
            transmissions: transmissions, outages: outages)
    }

    /// The slot's channel: what the pilot estimates and what the transmission really gets.
    private func pilot(slot: UInt64, pose: Pose) -> PilotObservation {
        link.pilot(seed: welcome.channelSeed, link: welcome.linkID, slot: slot, position: pose.position, error: settings.estimationError)
    }

    /// Counts one transmission at a scheduled power and whether the true channel missed its deadline.
    private func count(outage: Bool) {
        transmissions = transmissions == .max ? 0 : transmissions + 1
        if transmissions == 0 { outages = 0 } else if outage { outages += 1 }
    }

    /// A user's FRAME: its latency (the server's wait plus the emulated downlink airtime) against
    /// the schedule's deadline, and the quality of what is shown.
    private func receive(_ frame: RenderedFrame, for waiting: PendingFrame) {
        let gain = pilot(slot: frame.slot, pose: waiting.pose).trueGain
        let bits = settings.frameBitsSource == .measured ? Double(frame.image.bytes.readableBytes * 8) : settings.frameBits
        let latency =
            secondsSince(waiting.receivedAt) * settings.timeScale
            + link.transmissionSeconds(bits: bits, power: waiting.schedule.powerWatts, gain: gain)
        let deadline = Double(waiting.schedule.deadlineMicroseconds) / 1e6
        let outage = latency > deadline * (1 + 1e-9)
        let shown = outage ? nil : frame.image.pngPixels
        count(outage: outage || shown == nil)
        record(
            waiting.schedule, view: waiting.view, shown: shown, bits: bits, latency: latency, outage: outage || shown == nil,
            pose: waiting.pose)
    }

    private func record(
        _ schedule: Schedule, view: View, shown: RGBImage?, bits: Double, latency: Double, outage: Bool, pose: Pose,
        gain: Double? = nil, interferenceToNoise: Double = 0
    ) {
        let gain = gain ?? pilot(slot: schedule.slot, pose: pose).trueGain
        var (loss, psnr) = (Double.nan, Double.nan)
        if settings.evaluatesQuality, let image = shown ?? view.fallback, let truth = view.truth {
            loss = shown == nil ? view.loss : Double((try? ImageMetrics.gsLoss(image, truth)) ?? 0)
            psnr = Double((try? ImageMetrics.psnr(image, truth)) ?? .infinity)
        }
        report.rows.append(
            SlotRow(
                slot: schedule.slot, decision: schedule.decision ? 1 : 0, powerW: schedule.powerWatts, bits: bits, gain: gain,
                rateBps: link.rate(power: schedule.powerWatts, gain: gain), latencyMilliseconds: latency * 1000, outage: outage,
                loss: loss, psnr: psnr, interferenceToNoise: interferenceToNoise))
    }

    /// A robot's slot: the transmission over its emulated uplink (the loop sleeps its airtime,
    /// paced by the time scale), the IMAGE upload when x = 1, then the next POSE.
    private func followRobotSchedule(_ schedule: Schedule, pose: Pose, view: View) -> Step {
        // Alone on the receiver the true ‖h‖²; sharing it, the SINR the combiner leaves (as a gain).
        let own = pilot(slot: schedule.slot, pose: pose)
        let reception = settings.air.reception(
            own: own, power: schedule.powerWatts, slot: schedule.slot,
            coScheduled: schedule.coScheduled.map { ($0.linkID, $0.powerWatts) }, combiner: settings.uplinkCombiner, noise: link.noise)
        let gain = reception.map { $0.sinr * link.noise / schedule.powerWatts } ?? own.trueGain
        // p = 0 is the idle schedule of a robot the server has no pose of yet: nothing is sent.
        let bits = schedule.powerWatts == 0 ? 0 : schedule.decision ? settings.robotImageBits : settings.robotPoseBits
        let airtime = bits == 0 ? 0 : link.transmissionSeconds(bits: bits, power: schedule.powerWatts, gain: gain)
        let deadline = Double(schedule.deadlineMicroseconds) / 1e6
        let outage = airtime > deadline * (1 + 1e-9)
        if bits > 0 { count(outage: outage) }
        var messages: [Message] = []
        if schedule.decision, !outage, let truth = view.truth, let png = view.truthPNG ?? (try? truth.pngData()) {
            let image = EncodedImage(png: png, width: truth.width, height: truth.height)
            messages.append(.image(CapturedImage(kind: .mrFrame, sequence: schedule.slot, pose: view.capturePose, image: image)))
        }
        // x = 1 delivered: the MR frame shows the real image; otherwise the GS render of the memory.
        record(
            schedule, view: view, shown: schedule.decision && !outage ? view.truth : nil, bits: bits, latency: min(airtime, 1e9),
            outage: outage, pose: pose, gain: gain, interferenceToNoise: reception?.interferenceToNoise ?? 0)
        let next = announcement(for: schedule.slot + 1)
        return .send(
            messages + next.filter { $0.type != .channelReport },
            after: .nanoseconds(Int64(min(airtime, deadline) / settings.timeScale * 1e9)),
            first: next.filter { $0.type == .channelReport })
    }
}

/// Wall seconds since `instant`.
private func secondsSince(_ instant: ContinuousClock.Instant) -> Double {
    let (seconds, attoseconds) = (ContinuousClock.now - instant).components
    return Double(seconds) + Double(attoseconds) * 1e-18
}
