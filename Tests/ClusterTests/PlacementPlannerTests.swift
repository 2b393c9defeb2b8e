import Cluster
import Optimizers
import Testing

@Suite struct PlacementPlannerTests {
    static func records() -> [MemberRecord] {
        [
            MemberRecord(
                id: "edge-b", site: "b", httpAddress: "10.0.0.2:7451", binaryAddress: "10.0.0.2:7450", cacheBytes: 10e9,
                frequencyHz: 3e9, taskLimit: 3, users: [UserPresence(user: "u3", dwell: [2: 0.5, 3: 0.25])],
                peerLatencySeconds: ["edge-a": 0.004, "edge-c": 0.010]),
            MemberRecord(
                id: "edge-a", site: "a", httpAddress: "10.0.0.1:7451", binaryAddress: "10.0.0.1:7450", cacheBytes: 8e9,
                frequencyHz: 2e9, taskLimit: 2,
                users: [
                    UserPresence(user: "u1", dwell: [0: 1]), UserPresence(user: "u2", dwell: [0: 0.5, 1: 0.5]),
                    UserPresence(user: "idle", dwell: [:]),
                ],
                peerLatencySeconds: ["edge-b": 0.006]),
            MemberRecord(
                id: "edge-c", site: "c", httpAddress: "10.0.0.3:7451", binaryAddress: "10.0.0.3:7450", cacheBytes: 12e9,
                frequencyHz: 5e9, taskLimit: 4, users: [UserPresence(user: "u4", dwell: [1: 2, 3: 2])]),
        ]
    }

    /// The instance written out by hand from the records and the model's formulas.
    @Test func instanceFollowsTheRecordsAndTheModel() throws {
        let model = ClusterModel()
        let planner = PlacementPlanner(model: model, solver: .weightgreedy, latencyWeight: 0.5)
        let built = try #require(try planner.instance(from: Self.records()))
        #expect(built.members == ["edge-a", "edge-b", "edge-c"])
        #expect(built.users.map(\.id) == ["u1", "u2", "u3", "u4"])  // "idle" wants nothing
        let instance = built.instance
        #expect(instance.localMEC == [0, 0, 1, 2])
        #expect(instance.probability == [[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 0, 0.5, 0.25], [0, 0.5, 0, 0.5]])  // u4 normalised
        #expect(instance.mecCacheBytes == [8e9, 10e9, 12e9])
        #expect(instance.mecMaxTasks == [2, 3, 4])
        // a↔b measured both ways (6 ms and 4 ms → mean 5 ms); b→c once (10 ms); a↔c never (0).
        let rate = model.interSiteRateBitsPerSecond
        #expect(abs(instance.syncLatency[0][1] - (0.005 + model.syncBits / rate)) < 1e-15)
        #expect(abs(instance.sensorLatency[2][1] - (0.020 + model.sensorBits / rate)) < 1e-15)
        #expect(abs(instance.sensorLatency[0][2] - model.sensorBits / rate) < 1e-15)
        #expect(instance.sensorLatency[1][1] == 0 && instance.frameLatencyPerBit[1][1] == 0)
        #expect(instance.frameLatencyPerBit[0][2] == 1 / rate)
        #expect(instance.deviceEnergyPerBit[0] == model.devicePowerWatts / model.deviceRateBitsPerSecond)
    }

    @Test(arguments: [SCCSolverName.weightgreedy, .nsga2, .moead])
    func placementIsTheWeightedBestPointOfTheSolversFront(solver: SCCSolverName) throws {
        var options = SCCSolverOptions()
        options.nsga2.generations = 50
        options.moead.generations = 50
        let planner = PlacementPlanner(model: ClusterModel(), solver: solver, latencyWeight: 0.7, options: options)
        let records = Self.records()
        let placement = try planner.plan(records, epoch: 4, leader: "edge-a")
        let built = try #require(try planner.instance(from: records))
        let result = try SCCSolvers.solve(built.instance, with: solver, options: options)
        let reference = SCCEvaluator(built.instance).reference
        // Independent choice: scan the front for the least weighted normalised cost.
        let costs = result.front.map { 0.7 * $0.latency / reference.latency + 0.3 * $0.energy / reference.energy }
        let best = result.front[costs.indices.min { costs[$0] < costs[$1] }!]
        #expect(placement.predictedLatencySeconds == best.latency && placement.predictedEnergyJoules == best.energy)
        #expect(placement.epoch == 4 && placement.leader == "edge-a")
        // Every active pair placed, the caches are exactly the computing members (Lemma 1), and
        // the placement's own T/E recomputed by the reference formulas agree.
        #expect(placement.views.count == built.instance.activePairs.count)
        #expect(placement.unplaced(["u1", "u2", "u3", "u4"]).isEmpty)
        for view in placement.views { #expect(placement.caches[view.space]?.contains(view.member) == true) }
        var assign = built.instance.probability.map { $0.map { $0 > 0 ? 0 : -1 } }
        for view in placement.views {
            let u = built.users.firstIndex { $0.id == view.user }!
            assign[u][view.space] = built.members.firstIndex(of: view.member)!
        }
        let cost = try built.instance.breakdown(assign)
        #expect(abs(cost.latency - placement.predictedLatencySeconds) < 1e-12)
        #expect(try built.instance.feasibility(assign).isFeasible)
    }

    /// Each view carries one view's model terms (q-free), written out from SPEC §5's formulas,
    /// and Σ q·t over the views plus the replicas' sync terms is the placement's T.
    @Test func viewsCarryTheModelsPerViewLatencyAndEnergy() throws {
        let model = ClusterModel()
        let planner = PlacementPlanner(model: model, solver: .weightgreedy, latencyWeight: 0.5)
        let records = Self.records()
        let placement = try planner.plan(records, epoch: 1, leader: "edge-a")
        let built = try #require(try planner.instance(from: records))
        let instance = built.instance
        var weighted = 0.0
        for view in placement.views {
            let u = try #require(built.users.firstIndex { $0.id == view.user })
            let l = built.users[u].local, m = try #require(built.members.firstIndex(of: view.member)), v = view.space
            let f = instance.mecFrequency[m], w = instance.flops[v], d = instance.frameBits[v]
            let seconds = w / f + instance.sensorLatency[l][m] + d * instance.frameLatencyPerBit[m][l] + d * instance.deviceLatencyPerBit[u]
            let joules =
                model.kappa * w * f * f + instance.sensorEnergy[l][m] + d * instance.frameEnergyPerBit[m][l] + d * instance.deviceEnergyPerBit[u]
            #expect(view.share == instance.probability[u][v])
            #expect(abs(try #require(view.predictedSeconds) - seconds) < 1e-12 * max(1, seconds))
            #expect(abs(try #require(view.predictedJoules) - joules) < 1e-12 * max(1, joules))
            weighted += instance.probability[u][v] * seconds
        }
        var sync = 0.0
        for (_, hosts) in placement.caches {
            let indices = hosts.compactMap { built.members.firstIndex(of: $0) }.sorted()
            for i in indices.indices { for j in indices.indices where j > i { sync += instance.syncLatency[indices[i]][indices[j]] } }
        }
        #expect(abs(weighted + sync - placement.predictedLatencySeconds) < 1e-9)
    }

    /// Distances from site positions, and the fibre delay per km (5 µs/km: 20 km is 100 µs).
    @Test func propagationFollowsTheSitesDistance() {
        let fibre = SitePropagation()
        #expect(SitePropagation.distanceKm([0, 0], [3, 4]) == 5)
        #expect(abs(fibre.oneWaySeconds(from: [1, 1], to: [1, 21]) - 100e-6) < 1e-15)
        #expect(fibre.oneWaySeconds(from: nil, to: [3, 4]) == 0 && fibre.oneWaySeconds(from: [1], to: [3, 4]) == 0)
        #expect(SitePropagation(microsecondsPerKm: -1).oneWaySeconds(from: [0, 0], to: [3, 4]) == 0)
        #expect(SitePropagation(microsecondsPerKm: 1000).oneWaySeconds(from: [0, 0], to: [3, 4]) == 0.005)
    }

    /// Two members: "a" computes one view (N = 1), "b" caches 16 GB of the 20 GB of spaces. Both
    /// users want every space, so one space lives on "a" alone with two pairs on it: infeasible.
    /// Trimmed to each user's main space, both are placed.
    @Test func infeasibleDemandIsTrimmedToEachUsersMainSpace() throws {
        let planner = PlacementPlanner(model: ClusterModel(), solver: .weightgreedy, latencyWeight: 0.5)
        let records = [
            MemberRecord(
                id: "a", site: "a", httpAddress: "10.0.0.1:1", binaryAddress: "10.0.0.1:2", cacheBytes: 8e9, frequencyHz: 3e9,
                taskLimit: 1, users: [UserPresence(user: "u1", dwell: [0: 0.2, 1: 0.2, 2: 0.2, 3: 0.4])]),
            MemberRecord(
                id: "b", site: "b", httpAddress: "10.0.0.2:1", binaryAddress: "10.0.0.2:2", cacheBytes: 16e9, frequencyHz: 3e9,
                taskLimit: 16, users: [UserPresence(user: "u2", dwell: [0: 0.5, 1: 0.2, 2: 0.1, 3: 0.2])]),
        ]
        let full = try #require(try planner.instance(from: records))
        #expect(try SCCSolvers.solve(full.instance, with: .exact, options: SCCSolverOptions()).front.filter(\.feasible).isEmpty)
        let placement = try planner.plan(records, epoch: 2, leader: "a")
        #expect(placement.demandTrimmed == true)
        #expect(Set(placement.views.map { "\($0.user):\($0.space)" }) == ["u1:3", "u2:0"])
        #expect(placement.unplaced(["u1", "u2"]).isEmpty)
        #expect(try planner.plan(Self.records(), epoch: 1, leader: "edge-a").demandTrimmed == nil)
    }

    @Test func noDemandGivesAnEmptyPlacement() throws {
        let planner = PlacementPlanner(model: ClusterModel(), solver: .weightgreedy, latencyWeight: 0.5)
        var records = Self.records()
        for index in records.indices { records[index].users = [] }
        let placement = try planner.plan(records, epoch: 1, leader: "edge-a")
        #expect(placement.views.isEmpty && placement.members == ["edge-a", "edge-b", "edge-c"])
    }

    @Test func deltaLoadsWhatIsAssignedAndEvictsTheRest() {
        let placement = Placement(
            epoch: 1, leader: "a", solver: "weightgreedy", latencyWeight: 0.5, members: ["a", "b"],
            views: [.init(user: "u", local: "a", space: 1, member: "b")], caches: [1: ["b"], 2: ["a", "b"]],
            predictedLatencySeconds: 0, predictedEnergyJoules: 0)
        let delta = PlacementDelta(holding: [0, 2], placement: placement, member: "a")
        #expect(delta.load.isEmpty && delta.evict == [0])
        let other = PlacementDelta(holding: [], placement: placement, member: "b")
        #expect(other.load == [1, 2] && other.evict.isEmpty)
    }

    /// A new epoch is written only when the assignment changes, not when the model's figures move.
    @Test func sameAssignmentIgnoresTheModelsFigures() {
        let view = Placement.View(user: "u", local: "a", space: 1, member: "b", share: 0.5, predictedSeconds: 0.1, predictedJoules: 2)
        let placement = Placement(
            epoch: 1, leader: "a", solver: "weightgreedy", latencyWeight: 0.5, members: ["a", "b"], views: [view],
            caches: [1: ["b"]], predictedLatencySeconds: 0.05, predictedEnergyJoules: 1)
        var moved = placement
        moved.epoch = 2
        moved.views[0].predictedSeconds = 0.2
        moved.views[0].share = 0.7
        moved.predictedLatencySeconds = 0.14
        #expect(placement.sameAssignment(as: moved))
        moved.views[0].member = "a"
        moved.caches = [1: ["a"]]
        #expect(!placement.sameAssignment(as: moved))
    }

    @Test(arguments: [(0.0, 0), (9.99, 0), (10.0, 1), (35.0, 3), (40.0, 0), (-0.5, 3), (-40.0, 0), (100_000.0, 0)])
    func spacesAreBandsAlongX(x: Double, space: Int) {
        #expect(SpaceDwell(count: 4, extentMetres: 10, window: 4).space(x: x) == space)
    }

    @Test func dwellSharesCountTheWindow() {
        var dwell = SpaceDwell(count: 4, extentMetres: 10, window: 4)
        dwell.record(["u": 1, "v": 15])
        dwell.record(["u": 12])
        dwell.record(["u": 13, "w": 25])
        #expect(
            dwell.presences == [
                UserPresence(user: "u", dwell: [0: 0.25, 1: 0.5]), UserPresence(user: "w", dwell: [2: 0.25]),
            ])
    }
}

/// When Weight-Greedy finds nothing feasible but an assignment exists, the planner finds it by
/// exhaustive search instead of keeping a dead member's placement.
@Suite struct PlacementPlannerFallbackTests {
    /// edge-a holds one task, both members 16 GB of the model's 2/4/6/8 GB spaces. Greedy seats
    /// u1 (the heaviest pair) on its own edge-a with space 0, and edge-c cannot then cache spaces
    /// 1, 2 and 3 (18 GB); feasible answers move u1's space 0 to edge-c and give edge-a
    /// another user's space.
    static let records = [
        MemberRecord(
            id: "edge-a", site: "a", httpAddress: "10.0.0.1:7451", binaryAddress: "10.0.0.1:7450", cacheBytes: 16e9,
            frequencyHz: 3e9, taskLimit: 1, users: [UserPresence(user: "u1", dwell: [0: 1])]),
        MemberRecord(
            id: "edge-c", site: "c", httpAddress: "10.0.0.3:7451", binaryAddress: "10.0.0.3:7450", cacheBytes: 16e9,
            frequencyHz: 3e9, taskLimit: 16,
            users: [
                UserPresence(user: "u2", dwell: [1: 0.9]), UserPresence(user: "u3", dwell: [2: 0.8]),
                UserPresence(user: "u4", dwell: [3: 0.7]),
            ]),
    ]

    @Test func exhaustiveSearchFindsWhatWeightGreedyMisses() throws {
        let planner = PlacementPlanner(model: ClusterModel(), solver: .weightgreedy, latencyWeight: 0.5)
        let built = try #require(try planner.instance(from: Self.records))
        let evaluator = SCCEvaluator(built.instance)
        // The premise: greedy fails at every weight of the grid.
        #expect(SCCSolverOptions().weightGrid.allSatisfy { SCCRepair.greedy(evaluator, latencyWeight: $0) == nil })
        let placement = try planner.plan(Self.records, epoch: 2, leader: "edge-c")
        #expect(placement.demandTrimmed != true)
        #expect(placement.unplaced(["u1", "u2", "u3", "u4"]).isEmpty)
        // Within the limits, checked on the placement itself: one view on edge-a, and at most
        // 16 GB of spaces cached on each member.
        #expect(placement.views.filter { $0.member == "edge-a" }.count == 1)
        for member in ["edge-a", "edge-c"] {
            let cached = Set(placement.views.filter { $0.member == member }.map(\.space))
            #expect(cached.map { ClusterModel().spaceCacheBytes[$0] }.reduce(0, +) <= 16e9)
        }
    }
}
