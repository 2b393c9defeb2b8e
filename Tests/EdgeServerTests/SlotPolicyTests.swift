import Optimizers
import Protocol
import SlotModel
import Testing
import Wireless

@testable import EdgeServer

/// The slot policies in process, from snapshots built by hand: no sessions, sockets or clocks.
/// Each plan must be what the paper's optimiser returns on the instance built independently from
/// the same snapshot.
@Suite struct SlotPolicyTests {
    static let seed: UInt64 = 7
    static let tau = 0.1

    static func pose(_ x: Double, _ y: Double) -> Pose { Pose(position: SIMD3(x, y, 1.6), orientation: SIMD4(0, 0, 0, 1)) }

    static func client(_ id: UInt64, _ role: SessionRole, report: PoseReport?) -> SlotSnapshot.Client {
        let link = role == .robot ? EmulatedLink.robotUplink : .userDownlink
        // The client's pilot report for the POSE's slot, as client-sim builds it.
        let channel = report.map { report in
            ChannelReport(
                slot: report.slot, snrDecibels: 0,
                gain: link.gain(seed: seed, link: UInt32(id), slot: report.slot, position: report.pose.position))
        }
        return SlotSnapshot.Client(
            sessionID: id, clientID: "\(role)-\(id)", linkID: UInt32(id), role: role, pose: report, channel: channel)
    }

    /// Robots 1–3 with POSEs of slot 4 carrying a plan and an oracle loss each; robot 9 has no POSE yet.
    static func robotSnapshot(slot: UInt64 = 4) -> SlotSnapshot {
        let losses = [0.02, 0.09, 0.2]
        var clients = (1...3).map { i in
            client(
                UInt64(i), .robot,
                report: PoseReport(
                    slot: 4, timestampNanoseconds: 0, pose: pose(Double(i), 0), oracleLoss: losses[i - 1],
                    plannedPoses: (1...5).map { pose(Double(i) + 0.3 * Double($0), 0.1 * Double($0)) }))
        }
        clients.append(client(9, .robot, report: nil))
        return SlotSnapshot(slot: slot, clients: clients)
    }

    @Test(
        "robots: each plan is GSCLO's first slot on the horizon instance built from the snapshot", arguments: [GSCLOSolverName.apo, .exact, .ranking])
    func robotsPlanIsTheSolversAnswer(solver: GSCLOSolverName) throws {
        var configuration = SlotLoopConfiguration()
        configuration.gsmrSolver = solver
        configuration.lossEstimator = .oracle
        configuration.robotPowerBudget = 0.05
        var policy = RobotsPolicy(configuration: configuration, tauSeconds: Self.tau)
        let snapshot = Self.robotSnapshot()
        let plan = policy.plan(snapshot)

        #expect(plan.planned == [1, 2, 3])
        #expect(plan.robots.map(\.client) == ["robot-1", "robot-2", "robot-3"])
        let link = EmulatedLink.robotUplink
        let prior = MemoryBiasMap(cellMetres: configuration.mapCellMetres, prior: configuration.lossPrior)
        for (k, (client, report)) in snapshot.posed(.robot).enumerated() {
            // The instance, built here from the snapshot alone: the POSE and its plan (6 slots,
            // under the horizon of 8), the oracle loss for this slot and the map's prior after it,
            // the reported gain for this slot and the large-scale mean for the later ones, and a
            // first horizon's budget of P·W/W (nothing spent yet).
            let budget = configuration.robotPowerBudget * 6 / 6
            let poses = [report.pose] + report.plannedPoses
            let gains = [client.channel!.gain] + poses.dropFirst().map { link.meanGain(at: $0.position) }
            let losses = [report.oracleLoss!] + poses.dropFirst().map(prior.loss(at:))
            let instance = try GSCLOInstance(
                frames: 6, slotSeconds: Self.tau, bandwidth: link.bandwidth, noise: link.noise,
                imageBits: configuration.robotImageBits, poseBits: configuration.robotPoseBits,
                powerBudget: budget, losses: losses, gains: gains)
            let expected = try GSCLOSolver.solve(instance, with: solver)
            let record = plan.robots[k]
            #expect(record.x == expected.x[0])
            #expect(record.powerW == expected.powers[0])
            #expect(record.feasible == expected.feasible)
            #expect(record.horizon == 6 && record.horizonBudgetW == budget)
            #expect(record.predictedLoss == report.oracleLoss)
            #expect(record.channelReported && record.gain == client.channel!.gain)
            let schedule = plan.schedules[k]
            #expect(schedule.sessionID == client.sessionID)
            #expect(schedule.schedule.decision == (expected.x[0] == 1))
            #expect(schedule.schedule.powerWatts == expected.powers[0])
            #expect(schedule.schedule.slot == 4)
        }
        #expect(plan.imagesScheduled == plan.robots.filter { $0.x == 1 }.count)
        #expect(plan.frames.isEmpty && plan.users.isEmpty)
    }

    @Test("robots: the next slot's budget is what is left of P·(n + W) after the energy spent, over W slots")
    func robotsBudgetTracksEnergy() throws {
        var configuration = SlotLoopConfiguration()
        configuration.robotPowerBudget = 0.05
        var policy = RobotsPolicy(configuration: configuration, tauSeconds: Self.tau)
        let first = policy.plan(Self.robotSnapshot(slot: 4))
        let snapshot = Self.robotSnapshot(slot: 5)
        let second = policy.plan(snapshot)
        let link = EmulatedLink.robotUplink
        for (k, (client, report)) in snapshot.posed(.robot).enumerated() {
            // Slot 5 is one step along each plan: 5 poses left, none of them reported (the
            // report is slot 4's), so all at the large-scale mean. The budget never falls below
            // what poses alone need over them.
            #expect(!second.robots[k].channelReported && client.channel?.slot == 4)
            let gains = report.plannedPoses.map { link.meanGain(at: $0.position) }
            let poseFloor =
                gains.map {
                    Shannon.minimumPower(
                        bits: configuration.robotPoseBits, duration: Self.tau, bandwidth: link.bandwidth, noise: link.noise, gain: $0)
                }.reduce(0, +) / 5
            let left = (configuration.robotPowerBudget * (1 + 5) - first.robots[k].powerW) / 5
            #expect(second.robots[k].horizon == 5)
            let expected = max(left, poseFloor * (1 + 1e-9))
            #expect(abs(second.robots[k].horizonBudgetW - expected) <= 1e-12 * expected)
        }
    }

    @Test(
        "robots (Q_GS): the next slot's L_th is what is left of L_th·(n + W) after the planned loss accrued, over W",
        arguments: [GSCLOSolverName.qgs, .qgsPenalty])
    func qgsThresholdTracksTheLossAccrued(solver: GSCLOSolverName) throws {
        var configuration = SlotLoopConfiguration()
        configuration.gsmrSolver = solver
        configuration.lossEstimator = .oracle
        configuration.lossThreshold = 0.04
        var policy = RobotsPolicy(configuration: configuration, tauSeconds: Self.tau)
        // A fresh robot's first horizon (6 slots) meets L_th itself.
        #expect(policy.lossThreshold(1, horizon: 6) == 0.04)
        let first = policy.plan(Self.robotSnapshot(slot: 4))
        let second = policy.plan(Self.robotSnapshot(slot: 5))
        let link = EmulatedLink.robotUplink
        let prior = MemoryBiasMap(cellMetres: configuration.mapCellMetres, prior: configuration.lossPrior)
        for (k, (_, report)) in Self.robotSnapshot(slot: 5).posed(.robot).enumerated() {
            let accrued = first.robots[k].x == 1 ? 0 : first.robots[k].predictedLoss
            let expected = max(0, (0.04 * (1 + 5) - accrued) / 5)
            // Slot 5's instance: the 5 planned poses at the large-scale mean, the map's losses
            // after slot 4's oracle losses were folded in, and the accrued threshold.
            let gains = report.plannedPoses.map { link.meanGain(at: $0.position) }
            var map = prior
            for (_, earlier) in Self.robotSnapshot(slot: 4).posed(.robot) { map.observe(loss: earlier.oracleLoss!, at: earlier.pose) }
            let instance = try GSCLOInstance(
                frames: 5, slotSeconds: Self.tau, bandwidth: link.bandwidth, noise: link.noise,
                imageBits: configuration.robotImageBits, poseBits: configuration.robotPoseBits,
                powerBudget: second.robots[k].horizonBudgetW, losses: report.plannedPoses.map(map.loss(at:)), gains: gains,
                lossThreshold: expected)
            let solved = try GSCLOSolver.solve(instance, with: solver)
            #expect(second.robots[k].x == solved.x[0])
            #expect(abs(second.robots[k].powerW - solved.powers[0]) <= 1e-12 * max(solved.powers[0], 1e-12))
        }
        // Q'_GS keeps its per-frame threshold, the budgeted solvers have none.
        configuration.gsmrSolver = .lowpower
        #expect(RobotsPolicy(configuration: configuration, tauSeconds: Self.tau).lossThreshold(1, horizon: 6) == 0.04)
        configuration.gsmrSolver = .apo
        #expect(RobotsPolicy(configuration: configuration, tauSeconds: Self.tau).lossThreshold(1, horizon: 6) == nil)
    }

    @Test("robots (Q_GS by price): each decision is μ·L_t ≥ Δc_t at the reported gain, μ starting where the mean channel at the prior is indifferent")
    func qgsByPriceDecidesByTheLagrangian() throws {
        var configuration = SlotLoopConfiguration()
        configuration.gsmrSolver = .qgs
        configuration.lowPowerPolicy = .price
        configuration.lossEstimator = .oracle
        var policy = RobotsPolicy(configuration: configuration, tauSeconds: Self.tau)
        let snapshot = Self.robotSnapshot()
        let plan = policy.plan(snapshot)
        let link = EmulatedLink.robotUplink
        func power(_ bits: Double, _ gain: Double) -> Double {
            Shannon.minimumPower(bits: bits, duration: Self.tau, bandwidth: link.bandwidth, noise: link.noise, gain: gain)
        }
        func extra(_ gain: Double) -> Double { power(configuration.robotImageBits, gain) - power(configuration.robotPoseBits, gain) }
        var images = 0
        for (k, (client, report)) in snapshot.posed(.robot).enumerated() {
            let price = extra(link.meanGain(at: report.pose.position)) / configuration.lossPrior
            let gain = client.channel!.gain
            let image = price * report.oracleLoss! >= extra(gain)
            images += image ? 1 : 0
            #expect(plan.robots[k].x == (image ? 1 : 0))
            #expect(plan.robots[k].powerW == power(image ? configuration.robotImageBits : configuration.robotPoseBits, gain))
            #expect(plan.robots[k].feasible)
        }
        // The three robots' losses (0.02, 0.09, 0.2) straddle the prior, so both outcomes occur.
        #expect(images > 0 && images < 3)
    }

    static func userSnapshot() -> SlotSnapshot {
        SlotSnapshot(
            slot: 12,
            clients: (1...6).map { i in
                client(UInt64(i), .user, report: PoseReport(slot: 12, timestampNanoseconds: 0, pose: pose(Double(i) * 1.5, 2)))
            } + [client(40, .collector, report: nil)])
    }

    @Test(
        "users: the plan is IRAC's decision on the instance built from the snapshot and the probes", arguments: [IRACSolverName.pmm, .exact, .greedy])
    func usersPlanIsTheSolversAnswer(solver: IRACSolverName) throws {
        var configuration = SlotLoopConfiguration()
        configuration.iracSolver = solver
        configuration.maxRenderedUsers = 3
        configuration.userPowerBudget = 0.05
        var policy = try UsersPolicy(configuration: configuration, tauSeconds: Self.tau)
        let snapshot = Self.userSnapshot()
        let deltas = [0.05, 0.3, 0.12, 0.0, 0.22, 0.0]
        // Users 1–5 were probed (user 6 never: Δ = 0, not served); user 4's Δ is two slots old.
        for (k, client) in snapshot.clients.prefix(5).enumerated() {
            policy.record(deltas[k], for: client.sessionID, at: client.pose!.pose, slot: k == 3 ? 10 : 12)
        }
        let plan = policy.plan(snapshot)

        let link = EmulatedLink.userDownlink
        let users = snapshot.posed(.user)
        let gains = users.map { $0.client.channel!.gain }
        let instance = try IRACInstance(
            noisePower: link.noise, bandwidth: link.bandwidth, frameBits: configuration.frameBits,
            latencyBudget: configuration.latencyBudget, edgeRenderTime: policy.edgeLatency.seconds(frames: 3),
            powerBudget: configuration.userPowerBudget, maxUsers: 3, switchingGains: deltas, channelGains: gains)
        let (expected, _) = try IRACSolvers.decide(instance, with: solver)
        #expect(instance.result(expected, solver: solver.rawValue, timeSeconds: 0, iterations: 0).feasible)

        #expect(plan.planned == Set(1...6))
        #expect(plan.users.map(\.x) == expected.served.map { $0 ? 1 : 0 })
        #expect(plan.users.map(\.powerW) == expected.powers)
        #expect(plan.users.map(\.delta) == deltas)
        #expect(plan.users.map(\.deltaAgeSlots) == [0, 0, 0, 2, 0, nil])
        #expect(plan.schedules.map(\.schedule.decision) == expected.served)
        #expect(plan.schedules.allSatisfy { $0.schedule.deadlineMicroseconds == 100_000 })
        // A FRAME job per served user, due its airtime D/R before T_max.
        let served = expected.served.indices.filter { expected.served[$0] }
        #expect(!served.isEmpty)
        #expect(plan.frames.map(\.userIndex) == served)
        for job in plan.frames {
            let rate = link.rate(power: expected.powers[job.userIndex], gain: gains[job.userIndex])
            #expect(job.airtimeSeconds == configuration.frameBits / rate)
            #expect(job.pose == users[job.userIndex].report.pose)
        }
    }

    @Test("a merged plan keeps every FRAME job pointing at its own user")
    func mergedPlansShiftFrameJobs() {
        var first = SlotPlan()
        first.users = [Self.userRecord("a"), Self.userRecord("b")]
        first.frames = [.init(sessionID: 1, userIndex: 1, pose: .identity, airtimeSeconds: 0.01, rateBitsPerSecond: 1e9)]
        var second = SlotPlan()
        second.users = [Self.userRecord("c")]
        second.frames = [.init(sessionID: 3, userIndex: 0, pose: .identity, airtimeSeconds: 0.02, rateBitsPerSecond: 1e9)]
        let merged = first.merged(with: second)
        #expect(merged.frames.map { merged.users[$0.userIndex].client } == ["b", "c"])
    }

    static func userRecord(_ client: String) -> SlotRecord.User {
        SlotRecord.User(
            client: client, link: 0, x: 1, powerW: 0, bits: 0, gain: 1, channelReported: false, exactPose: true, poseSlot: 0, delta: 0,
            deltaAgeSlots: nil,
            expectedRateBps: 1, frameReadyMilliseconds: nil, deadlineMiss: false)
    }
}
