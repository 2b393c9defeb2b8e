import Foundation
import Optimizers
import Protocol
import Renderer
import Training
import SlotModel
import Wireless

/// GSMR for robots (GSMR §IV): each slot, every robot with a POSE gets the first slot of a
/// receding-horizon GSCLO plan — upload its image (x = 1) or only its pose — and the power to
/// send it, under its running average power budget.
///
/// The per-frame losses L_t come from the memory-bias map, which learns from the images robots
/// upload (one memory render and GS loss per image, at most `gsmr.observations_per_slot` per
/// slot, oldest first, folded in between slots by ``prepare(_:renderer:)``). The gains come from
/// the robots' CHANNEL_REPORTs through ``ChannelPredictor``: the policy has no channel seed, so
/// it plans from what a real edge knows. Every GSMR solver runs here: `bils` with the outage
/// target ε and ω² = r·|h̃|² (`gsmr.epsilon`, `gsmr.omega2_relative`), `lowpower`, `qgs` and
/// `qgs-penalty` with L_th (`gsmr.loss_threshold`).
///
/// With an N-antenna receiver (`gsmr.antennas` > 1) the robots of a slot share it (GSMR §VI-B):
/// with `gsmr.multi_robot = "zf"` the first slot of each robot is planned at its zero-forcing gain
/// 1/[(H̃ᴴH̃)⁻¹]_kk over the slot's reported estimates (the later slots at the mean times
/// ZF's share (N − K + 1)/N), with `mrc` at its own ‖h̃‖²; every robot's SCHEDULE names the
/// others transmitting in the slot, so the emulated air carries their interference.
struct RobotsPolicy: SlotPolicy {
    let configuration: SlotLoopConfiguration
    let tauSeconds: Double
    let link: EmulatedLink
    var roles: Set<SessionRole> { [.robot] }
    private(set) var map: MemoryBiasMap
    /// Energy spent (sum of applied powers, W·slot) and slots served, per session id.
    private var energy: [UInt64: (spent: Double, slots: Int)] = [:]
    /// Planned MR loss L_t(1 − x_t) accrued and slots served, per session id: Q_GS's
    /// average-loss constraint held over the run, as the energy account holds APO's budget.
    private var lossAccount: [UInt64: (accrued: Double, slots: Int)] = [:]
    /// Q_GS's price per session id, when it decides by price.
    private var prices: [UInt64: LowPowerPrice] = [:]
    /// The sequence of the last image folded into the map, per session id.
    private var observedImage: [UInt64: UInt64] = [:]
    private var predictor: ChannelPredictor {
        ChannelPredictor(link: link, estimationErrorRelative: configuration.estimationErrorRelative)
    }

    init(configuration: SlotLoopConfiguration, tauSeconds: Double) {
        self.configuration = configuration
        self.tauSeconds = tauSeconds
        var link = EmulatedLink.robotUplink
        link.antennas = configuration.uplinkAntennas
        self.link = link
        map = MemoryBiasMap(cellMetres: configuration.mapCellMetres, prior: configuration.lossPrior)
    }

    mutating func plan(_ snapshot: SlotSnapshot) -> SlotPlan {
        let slot = snapshot.slot
        let robots = snapshot.posed(.robot)
        if configuration.lossEstimator == .oracle {
            for (_, report) in robots where report.slot < slot {
                if let loss = report.oracleLoss { map.observe(loss: loss, at: report.pose) }
            }
        }
        var plan = SlotPlan()
        let stage = tauSeconds.wholeMicroseconds
        let joint = configuration.multiRobot == .zf && link.antennas > 1 ? zeroForcingGains(robots.map(\.client), slot: slot) : [:]
        let share =
            configuration.multiRobot == .zf && link.antennas > 1
            ? Double(max(1, link.antennas - robots.count + 1)) / Double(link.antennas) : 1
        for (client, report) in robots {
            let decision = planRobot(client, report: report, slot: slot, jointGain: joint[client.sessionID], share: share)
            plan.planned.insert(client.sessionID)
            plan.robots.append(decision.record)
            plan.robotSolverSeconds += decision.solverSeconds
            if !decision.record.feasible { plan.solverFailures += 1 }
            if decision.record.x == 1 { plan.imagesScheduled += 1 }
            plan.mixedReality.append(
                .init(
                    clientID: client.clientID,
                    decision: .init(slot: slot, pose: report.pose(at: slot), uploadsImage: decision.record.x == 1),
                    image: client.image))
            plan.schedules.append(
                .init(
                    sessionID: client.sessionID,
                    schedule: Schedule(
                        slot: slot, decision: decision.record.x == 1, powerWatts: decision.record.powerW,
                        expectedRateBitsPerSecond: link.rate(power: decision.record.powerW, gain: decision.record.gain),
                        deadlineMicroseconds: stage, stageDurationMicroseconds: stage)))
        }
        if link.antennas > 1 { shareReceiver(&plan) }
        return plan
    }

    /// ZF gains 1/[(H̃ᴴH̃)⁻¹]_kk of the robots whose report for `slot` carries N coefficients,
    /// by session id; none when they are more than N or their estimates are linearly dependent.
    func zeroForcingGains(_ robots: [SlotSnapshot.Client], slot: UInt64) -> [UInt64: Double] {
        let reported = robots.filter { $0.channel?.slot == slot && $0.channel?.coefficients.count == link.antennas }
        let estimates = reported.map { $0.channel!.coefficients.map(\.complex) }
        guard !reported.isEmpty, let gains = try? ZeroForcing.effectiveGains(estimates) else { return [:] }
        return Dictionary(uniqueKeysWithValues: zip(reported.map(\.sessionID), gains))
    }

    /// Tells every robot's SCHEDULE which other robots transmit in the slot at what power.
    private func shareReceiver(_ plan: inout SlotPlan) {
        let transmitters = zip(plan.schedules, plan.robots).map { CoScheduledTransmitter(linkID: $1.link, powerWatts: $0.schedule.powerWatts) }
        for k in plan.schedules.indices {
            plan.schedules[k].schedule.coScheduled = transmitters.enumerated().filter { $0.offset != k }.map(\.element)
        }
    }

    /// The GSCLO instance of one robot's horizon at `slot`: the map's losses and the predicted
    /// gains at the poses of its plan, and the horizon's share of its energy budget; with the
    /// estimates, ω² and ε for `bils`, and L_th for the low-power solvers.
    func instance(
        sessionID: UInt64, report: PoseReport, slot: UInt64, beliefs: [ChannelPredictor.Belief]
    ) throws -> GSCLOInstance {
        let poses = report.horizon(from: slot, limit: configuration.gsmrHorizon)
        let losses = self.losses(report: report, slot: slot, poses: poses)
        let robust = configuration.gsmrSolver == .bils
        let gains = beliefs.map { robust ? $0.estimateGain : $0.gain }
        return try GSCLOInstance(
            frames: poses.count, slotSeconds: tauSeconds, bandwidth: link.bandwidth, noise: link.noise,
            imageBits: configuration.robotImageBits, poseBits: configuration.robotPoseBits,
            powerBudget: horizonBudget(sessionID, gains: beliefs.map(costGain)), losses: losses, gains: gains,
            hEstimate: robust ? .init(re: gains.map { $0.squareRoot() }, im: gains.map { _ in 0 }) : nil,
            errorVariance: robust ? beliefs.map(\.errorVariance) : nil,
            epsilon: robust ? configuration.outageTarget : nil,
            lossThreshold: lossThreshold(sessionID, horizon: poses.count))
    }

    /// L_t at `poses` (the horizon from `slot`): the map's, or the client's own for this slot
    /// with the oracle estimator.
    func losses(report: PoseReport, slot: UInt64, poses: [Pose]) -> [Double] {
        var losses = poses.map(map.loss(at:))
        if configuration.lossEstimator == .oracle, report.slot == slot, let oracle = report.oracleLoss { losses[0] = oracle }
        return losses
    }

    /// Whether Q_GS decides by its price, frame by frame (``LowPowerPrice``).
    var decidesByPrice: Bool { configuration.lowPowerPolicy == .price && [.qgs, .qgsPenalty].contains(configuration.gsmrSolver) }

    /// Q_GS by price for one robot's current frame (loss `loss`, cost gain `gain`, at `pose`):
    /// the decision and its power; the robot's price is settled with the frame's outcome.
    mutating func decideByPrice(_ sessionID: UInt64, loss: Double, gain: Double, at pose: Pose) -> (x: Bool, power: Double) {
        func extraPower(_ gain: Double) -> Double { imagePower(gain) - poseOnlyPower(gain) }
        var price =
            prices[sessionID]
            ?? LowPowerPrice(referenceExtraPower: extraPower(link.meanGain(at: pose.position)), referenceLoss: configuration.lossPrior)
        let x = price.sendsImage(loss: loss, extraPower: extraPower(gain))
        price.settle(accruedLoss: x ? 0 : loss, threshold: configuration.lossThreshold)
        prices[sessionID] = price
        return (x, x ? imagePower(gain) : poseOnlyPower(gain))
    }

    /// L_th of one robot's horizon instance: nil for the budgeted solvers; Q'_GS's per-frame
    /// threshold as configured; for Q_GS (`qgs`, `qgs-penalty`), whose constraint is on the
    /// average loss over the whole run (GSMR §VI-A), what is left of L_th·(n + W) after the
    /// loss already accrued, spread over the W slots (never below 0: a robot behind sends every
    /// image the horizon allows). Without the account, each horizon would meet L_th on its own
    /// predicted future and the frames it postponed would never be paid for.
    func lossThreshold(_ sessionID: UInt64, horizon: Int) -> Double? {
        switch configuration.gsmrSolver {
        case .lowpower:
            return configuration.lossThreshold
        case .qgs, .qgsPenalty:
            let account = lossAccount[sessionID] ?? (0, 0)
            let slots = Double(horizon)
            return max(0, (configuration.lossThreshold * (Double(account.slots) + slots) - account.accrued) / slots)
        default:
            return nil
        }
    }

    /// The gain at which perfect-CSI powers carry a frame as the solver means to: the belief's
    /// gain, or for `bils` BILS's effective gain g* that meets P_out ≤ ε under the belief's ω².
    func costGain(_ belief: ChannelPredictor.Belief) -> Double {
        guard configuration.gsmrSolver == .bils else { return belief.gain }
        return RobustCosts.effectiveGain(
            estimateGain: belief.estimateGain, errorVariance: belief.errorVariance, epsilon: configuration.outageTarget)
    }

    /// The beliefs of one robot's horizon: the predictor's, with the slot's ZF gain `jointGain`
    /// in the first slot when there is one and the later slots scaled by ZF's share.
    func beliefs(
        _ client: SlotSnapshot.Client, poses: [Pose], slot: UInt64, jointGain: Double?, share: Double
    ) -> [ChannelPredictor.Belief] {
        var beliefs = predictor.beliefs(report: client.channel, slot: slot, poses: poses).map { $0.scaled(by: share) }
        if let jointGain {
            beliefs[0] = .init(
                gain: jointGain, estimateGain: jointGain, errorVariance: configuration.estimationErrorRelative * jointGain,
                reported: true)
        }
        return beliefs
    }

    /// Plans one robot's horizon and applies its first slot.
    private mutating func planRobot(
        _ client: SlotSnapshot.Client, report: PoseReport, slot: UInt64, jointGain: Double?, share: Double
    ) -> (record: SlotRecord.Robot, solverSeconds: Double) {
        let poses = report.horizon(from: slot, limit: configuration.gsmrHorizon)
        let horizon = beliefs(client, poses: poses, slot: slot, jointGain: jointGain, share: share)
        let first = horizon[0]
        let fallbackPower = poseOnlyPower(costGain(first))
        var decision = (x: false, power: fallbackPower, feasible: false)
        var instance: GSCLOInstance?
        var pricedLoss: Double?
        let started = ContinuousClock.now
        if decidesByPrice {
            let loss = losses(report: report, slot: slot, poses: [poses[0]])[0]
            pricedLoss = loss
            let priced = decideByPrice(client.sessionID, loss: loss, gain: costGain(first), at: poses[0])
            decision = (priced.x, priced.power, true)
        } else {
            do {
                let built = try self.instance(sessionID: client.sessionID, report: report, slot: slot, beliefs: horizon)
                instance = built
                let result = try GSCLOSolver.solve(built, with: configuration.gsmrSolver)
                decision = (result.x[0] == 1, result.powers[0], result.feasible)
            } catch {
                // The pose-only fallback (decision above) keeps the robot served; it is counted as infeasible.
            }
        }
        let solverSeconds = (ContinuousClock.now - started).seconds
        var account = energy[client.sessionID] ?? (0, 0)
        // The horizon plan may front-load an image and pay for it in later slots; only the first
        // slot is applied, so never borrow: an image that would lift the running average above
        // P becomes a pose this slot (the saved energy stays available to later plans). The
        // low-power problems Q_GS and Q'_GS have no budget (GSMR §VI-A), so they are exempt.
        let allowance = configuration.robotPowerBudget * Double(account.slots + 1) - account.spent
        let budgeted = !GSCLOSolverName.lowPowerSolvers.contains(configuration.gsmrSolver)
        if budgeted, decision.x, decision.power > allowance * (1 + 1e-9) {
            decision = (false, fallbackPower, decision.feasible)
        }
        account.spent += decision.power
        account.slots += 1
        energy[client.sessionID] = account
        let predictedLoss = pricedLoss ?? instance?.losses[0] ?? losses(report: report, slot: slot, poses: [poses[0]])[0]
        var lossRecord = lossAccount[client.sessionID] ?? (0, 0)
        lossRecord.accrued += decision.x ? 0 : predictedLoss
        lossRecord.slots += 1
        lossAccount[client.sessionID] = lossRecord
        let record = SlotRecord.Robot(
            client: client.clientID, link: client.linkID, x: decision.x ? 1 : 0, powerW: decision.power,
            bits: decision.x ? configuration.robotImageBits : configuration.robotPoseBits, gain: first.gain,
            channelReported: first.reported,
            predictedLoss: predictedLoss, exactPose: report.covers(slot),
            poseSlot: report.slot, horizon: poses.count, horizonBudgetW: instance?.powerBudget ?? configuration.robotPowerBudget,
            feasible: decision.feasible, solverMilliseconds: solverSeconds * 1000)
        return (record, solverSeconds)
    }

    /// The per-slot budget that keeps the robot's running average power at P: what is left of
    /// P·(n + W) after the energy already spent, spread over the W slots, but never below what
    /// poses alone need at `costGains` (so the instance stays feasible).
    func horizonBudget(_ sessionID: UInt64, gains costGains: [Double]) -> Double {
        let horizon = Double(costGains.count)
        let account = energy[sessionID] ?? (0, 0)
        let left = (configuration.robotPowerBudget * (Double(account.slots) + horizon) - account.spent) / horizon
        let poseFloor = costGains.map(poseOnlyPower).reduce(0, +) / horizon
        return max(left, poseFloor * (1 + 1e-9))
    }

    /// The least power that carries an image in one slot.
    func imagePower(_ gain: Double) -> Double {
        Shannon.minimumPower(
            bits: configuration.robotImageBits, duration: tauSeconds, bandwidth: link.bandwidth, noise: link.noise, gain: gain)
    }

    /// The least power that carries a pose in one slot.
    func poseOnlyPower(_ gain: Double) -> Double {
        Shannon.minimumPower(
            bits: configuration.robotPoseBits, duration: tauSeconds, bandwidth: link.bandwidth, noise: link.noise, gain: gain)
    }

    // MARK: Between slots

    /// Folds the robots' new uploads into the map: ℓ(memory render at the image's pose, image);
    /// the decoded images go on to the memory's updates (``MemoryUpdatePlanner``).
    mutating func prepare(_ snapshot: SlotSnapshot, renderer: SlotRenderer) async -> SlotPreparation {
        let started = ContinuousClock.now
        let images = newImages(snapshot.clients(.robot))
        let observed = await renderer.map(images.map(\.image)) { image, rasterizer, world in
            Self.observation(of: image, memory: world.large, rasterizer: rasterizer)
        }
        var views: [TrainingView] = []
        var lossSum = 0.0
        for case let observation? in observed {
            map.observe(loss: observation.loss, at: observation.pose)
            views.append(observation.view)
            lossSum += observation.loss
        }
        return SlotPreparation(
            imagesObserved: views.count, observeMilliseconds: (ContinuousClock.now - started).seconds * 1000, uploadedViews: views,
            observedLossSum: lossSum)
    }

    /// The IMAGE uploads to fold into the map now (session id, image): at most `gsmr.observations_per_slot`, robots
    /// never observed first, then those observed longest ago. An upload left out is superseded
    /// by the robot's next one.
    mutating func newImages(_ robots: [SlotSnapshot.Client]) -> [(sessionID: UInt64, image: CapturedImage)] {
        let fresh = robots.compactMap { client -> (UInt64, CapturedImage)? in
            guard let image = client.image, image.kind == .mrFrame,
                observedImage[client.sessionID].map({ image.sequence > $0 }) ?? true
            else { return nil }
            return (client.sessionID, image)
        }
        let chosen = oldestFirst(fresh, limit: configuration.observationsPerSlot) { observedImage[$0.0] }
        for (id, image) in chosen { observedImage[id] = image.sequence }
        return chosen.map { (sessionID: $0.0, image: $0.1) }
    }

    /// What an uploaded image reveals: ℓ(memory render at its pose, the image), and the image as
    /// a posed view of reality; nil for an image that does not decode.
    static func observation(
        of image: CapturedImage, memory: GaussianScene, rasterizer: GaussianRasterizer
    ) -> (pose: Pose, loss: Double, view: TrainingView)? {
        guard let real = image.image.pngPixels,
            let size = ImageSize(width: real.width, height: real.height),
            let camera = try? image.pose.camera(intrinsics: size.intrinsics),
            let view = try? TrainingView(name: "robot-\(image.sequence)", camera: camera, image: real)
        else { return nil }
        let render = rasterizer.render(memory, camera: camera, options: RenderOptions(threads: 1))
        guard let loss = try? ImageMetrics.gsLoss(render, real) else { return nil }
        return (image.pose, Double(loss), view)
    }
}
