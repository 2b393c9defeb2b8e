import Foundation
import NIOCore
import Protocol
import Renderer
import SlotModel
import SplatClient

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
    var reportsOracleLoss: Bool
    /// Render the true and fallback views each slot to report loss and PSNR. Without it (load
    /// generation) users render nothing and robots capture a real image only every
    /// ``Agent/loadCaptureInterval`` slots, uploading their latest capture (with its own pose)
    /// in between; loss and PSNR are NaN.
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

    /// Slots a load-generating robot reuses a capture (see ``AgentSettings/evaluatesQuality``):
    /// a render of the 20k-Gaussian world per robot and slot would need more cores than a test
    /// machine running the daemon too has, and the daemon's cost per upload does not depend on
    /// how fresh the image is.
    static let loadCaptureInterval: UInt64 = 10

    /// What an agent sees at a pose: the true view (a robot's real image, taken at
    /// `capturePose`) and the view it would show without help (nil when not rendered: see
    /// ``AgentSettings/evaluatesQuality``).
    private struct View {
        var truth: RGBImage?
        var capturePose: Pose
        var fallback: RGBImage?
        var loss: Double
    }

    func run() async throws -> AgentReport {
        let connection = try await settings.transport.connect(host: settings.host, port: settings.port, token: settings.token)
        let welcome = try await connection.hello(Hello(role: role, clientID: clientID, token: settings.token))
        let tau = Double(welcome.slotLengthMicroseconds) / 1e6
        var report = AgentReport(client: clientID, role: role == .robot ? "robot" : "user", link: welcome.linkID, rows: [])
        var robot = UnicycleRobot(route: world.world.route(index: index), tau: tau)
        let motion = UserMotion(seed: settings.seed, index: index)
        var robotSlot = welcome.currentSlot
        var views: [UInt64: View] = [:]
        var pending: (schedule: Schedule, receivedAt: ContinuousClock.Instant, view: View, pose: Pose)?
        let rasterizer = GaussianRasterizer()
        let options = RenderOptions(threads: 1)

        func poseAt(_ slot: UInt64) -> Pose {
            if role == .user { return motion.pose(atTime: Double(slot) * tau) }
            while robotSlot < slot {
                robot.step()
                robotSlot += 1
            }
            return robot.pose
        }
        var lastCapture: (slot: UInt64, view: View)?
        func view(at pose: Pose, slot: UInt64) -> View {
            let size = role == .robot ? settings.imageSize : settings.frameSize
            guard let camera = try? pose.camera(intrinsics: size.intrinsics) else {
                let blank = RGBImage(width: size.width, height: size.height)
                return View(truth: blank, capturePose: pose, fallback: blank, loss: 0)
            }
            if role == .robot, !settings.evaluatesQuality {
                // Re-captured on slots staggered by index, so the robots' renders spread out.
                if let lastCapture, lastCapture.slot == slot || (slot &+ UInt64(index)) % Self.loadCaptureInterval != 0 {
                    return lastCapture.view
                }
                let image = rasterizer.render(world.world.realityScene(atTime: Double(slot) * tau), camera: camera, options: options)
                let captured = View(truth: image, capturePose: pose, fallback: nil, loss: .nan)
                lastCapture = (slot, captured)
                return captured
            }
            // A robot always needs its real image: it uploads it when scheduled.
            let truth = role == .robot
                ? rasterizer.render(world.world.realityScene(atTime: Double(slot) * tau), camera: camera, options: options)
                : settings.evaluatesQuality ? rasterizer.render(world.large, camera: camera, options: options) : nil
            guard settings.evaluatesQuality, let truth else { return View(truth: truth, capturePose: pose, fallback: nil, loss: .nan) }
            let fallback = rasterizer.render(role == .robot ? world.large : world.small.scene, camera: camera, options: options)
            return View(truth: truth, capturePose: pose, fallback: fallback, loss: Double((try? ImageMetrics.gsLoss(fallback, truth)) ?? 0))
        }
        func announce(_ slot: UInt64) async throws {
            let pose = poseAt(slot)
            let current = view(at: pose, slot: slot)
            views = [slot: current]
            // Both roles announce their next poses, so a server that reads this POSE a slot late
            // still uses the pose the agent really has.
            let planned = role == .robot
                ? robot.plannedPoses(max(0, settings.horizon - 1))
                : (1..<max(1, settings.horizon)).map { motion.pose(atTime: Double(slot + UInt64($0)) * tau) }
            try await connection.send(.pose(PoseReport(
                slot: slot, timestampNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), pose: pose,
                oracleLoss: settings.reportsOracleLoss ? current.loss : nil, plannedPoses: planned)))
        }
        func record(_ schedule: Schedule, view: View, shown: RGBImage?, bits: Double, latency: Double, outage: Bool, pose: Pose) {
            let link = role == .robot ? EmulatedLink.robotUplink : EmulatedLink.userDownlink
            let gain = link.gain(seed: welcome.channelSeed, link: welcome.linkID, slot: schedule.slot, position: pose.position)
            let image = shown ?? view.fallback
            var (loss, psnr) = (Double.nan, Double.nan)
            if settings.evaluatesQuality, let image, let truth = view.truth {
                loss = shown == nil ? view.loss : Double((try? ImageMetrics.gsLoss(image, truth)) ?? 0)
                psnr = Double((try? ImageMetrics.psnr(image, truth)) ?? .infinity)
            }
            report.rows.append(SlotRow(
                slot: schedule.slot, decision: schedule.decision ? 1 : 0, powerW: schedule.powerWatts, bits: bits, gain: gain,
                rateBps: link.rate(power: schedule.powerWatts, gain: gain), latencyMilliseconds: latency * 1000, outage: outage,
                loss: loss, psnr: psnr))
        }

        try await announce(welcome.currentSlot + 1)
        let ends = ContinuousClock.now + .nanoseconds(Int64(settings.duration * 1e9))
        receiving: for await push in connection.pushes {
            if ContinuousClock.now >= ends { break }
            switch push.message {
            case .schedule(let schedule) where schedule.stage == .slot:
                if let waiting = pending {  // the FRAME did not come before the next slot
                    record(waiting.schedule, view: waiting.view, shown: nil, bits: settings.frameBits, latency: .infinity, outage: true, pose: waiting.pose)
                    pending = nil
                }
                let pose = poseAt(schedule.slot)
                let current = views[schedule.slot] ?? view(at: pose, slot: schedule.slot)
                if role == .robot {
                    try await followRobotSchedule(schedule, pose: pose, view: current, tau: tau, welcome: welcome, connection: connection, record: record)
                } else if schedule.decision {
                    // The next POSE goes out once the FRAME is in, so the wait measured for the
                    // frame is the server's, not this agent's own rendering.
                    pending = (schedule, .now, current, pose)
                    continue
                } else {
                    record(schedule, view: current, shown: nil, bits: 0, latency: 0, outage: false, pose: pose)
                }
                try await announce(schedule.slot + 1)
            case .frame(let frame):
                guard let waiting = pending, waiting.schedule.slot == frame.slot else { continue }
                pending = nil
                let link = EmulatedLink.userDownlink
                let gain = link.gain(seed: welcome.channelSeed, link: welcome.linkID, slot: frame.slot, position: waiting.pose.position)
                let latency = secondsSince(waiting.receivedAt) * settings.timeScale
                    + link.transmissionSeconds(bits: settings.frameBits, power: waiting.schedule.powerWatts, gain: gain)
                let deadline = Double(waiting.schedule.deadlineMicroseconds) / 1e6
                let outage = latency > deadline * (1 + 1e-9)
                let bytes = frame.image.bytes.getBytes(at: frame.image.bytes.readerIndex, length: frame.image.bytes.readableBytes) ?? []
                let shown = outage ? nil : try? RGBImage(pngData: Data(bytes))
                record(waiting.schedule, view: waiting.view, shown: shown, bits: settings.frameBits, latency: latency, outage: outage || shown == nil, pose: waiting.pose)
                try await announce(frame.slot + 1)
            case .bye, .error:
                break receiving
            default:
                continue
            }
        }
        await connection.bye(.normal)
        return report
    }

    /// A robot's slot: the transmission over its emulated uplink, paced to the achieved rate,
    /// and the IMAGE upload when x = 1.
    private func followRobotSchedule(
        _ schedule: Schedule, pose: Pose, view: View, tau: Double, welcome: Welcome, connection: any SplatSession,
        record: (Schedule, View, RGBImage?, Double, Double, Bool, Pose) -> Void
    ) async throws {
        let link = EmulatedLink.robotUplink
        let gain = link.gain(seed: welcome.channelSeed, link: welcome.linkID, slot: schedule.slot, position: pose.position)
        // p = 0 is the idle schedule of a robot the server has no pose of yet: nothing is sent.
        let bits = schedule.powerWatts == 0 ? 0 : schedule.decision ? settings.robotImageBits : settings.robotPoseBits
        let airtime = bits == 0 ? 0 : link.transmissionSeconds(bits: bits, power: schedule.powerWatts, gain: gain)
        let deadline = Double(schedule.deadlineMicroseconds) / 1e6
        let outage = airtime > deadline * (1 + 1e-9)
        try await Task.sleep(for: .nanoseconds(Int64(min(airtime, deadline) / settings.timeScale * 1e9)))
        if schedule.decision, !outage, let truth = view.truth, let png = try? truth.pngData() {
            let image = EncodedImage(
                width: UInt16(truth.width), height: UInt16(truth.height), encoding: .png, bytes: ByteBuffer(bytes: png))
            try await connection.send(.image(CapturedImage(kind: .mrFrame, sequence: schedule.slot, pose: view.capturePose, image: image)))
        }
        // x = 1 delivered: the MR frame shows the real image; otherwise the GS render of the memory.
        record(schedule, view, schedule.decision && !outage ? view.truth : nil, bits, min(airtime, 1e9), outage, pose)
    }
}

/// Wall seconds since `instant`.
private func secondsSince(_ instant: ContinuousClock.Instant) -> Double {
    let (seconds, attoseconds) = (ContinuousClock.now - instant).components
    return Double(seconds) + Double(attoseconds) * 1e-18
}
