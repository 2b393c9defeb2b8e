import Foundation
import Optimizers

/// The controller's decision as a value: live member records → the SCC instance (SPEC §5) →
/// the configured solver's front → the point the preference weight picks → a ``Placement``.
public struct PlacementPlanner: Sendable {
    public var model: ClusterModel
    public var solver: SCCSolverName
    /// Preference weight w of latency against energy (w·T/T_ref + (1−w)·E/E_ref picks the point).
    public var latencyWeight: Double
    public var options: SCCSolverOptions

    public init(model: ClusterModel, solver: SCCSolverName, latencyWeight: Double, options: SCCSolverOptions = SCCSolverOptions()) {
        self.model = model
        self.solver = solver
        self.latencyWeight = latencyWeight
        self.options = options
    }

    /// The instance with its member and user orders (the MEC and user indices).
    public struct Built: Sendable {
        public var instance: SCCInstance
        public var members: [String]
        /// (user id, local member index) in user order.
        public var users: [(id: String, local: Int)]
    }

    /// Builds the SCC instance from the live records (members ordered by id; a user listed by
    /// two members counts at the first; users with no dwell are left out: they want nothing).
    /// Returns nil when no user wants any space.
    public func instance(from records: [MemberRecord]) throws -> Built? {
        let members = records.sorted { $0.id < $1.id }
        var seen = Set<String>()
        var users: [(id: String, local: Int)] = []
        var probability: [[Double]] = []
        let spaces = model.spaceCount
        for (m, member) in members.enumerated() {
            for presence in member.users.sorted(by: { $0.user < $1.user }) where !seen.contains(presence.user) {
                var row = [Double](repeating: 0, count: spaces)
                for (space, share) in presence.dwell where (0..<spaces).contains(space) && share.isFinite && share > 0 {
                    row[space] = min(share, 1)
                }
                let sum = row.reduce(0, +)
                guard sum > 0 else { continue }
                if sum > 1 { row = row.map { $0 / sum } }
                seen.insert(presence.user)
                users.append((presence.user, m))
                probability.append(row)
            }
        }
        guard !users.isEmpty else { return nil }
        let count = members.count
        let rate = model.interSiteRateBitsPerSecond, joulesPerBit = model.interSiteJoulesPerBit
        // One-way latency l→m: the mean of what the two ends measured (either may be missing).
        func oneWay(_ a: Int, _ b: Int) -> Double {
            guard a != b else { return 0 }
            let measured = [members[a].peerLatencySeconds[members[b].id], members[b].peerLatencySeconds[members[a].id]]
                .compactMap { $0 }.filter { $0.isFinite && $0 >= 0 }
            return measured.isEmpty ? 0 : measured.reduce(0, +) / Double(measured.count)
        }
        func matrix(_ entry: (Int, Int) -> Double) -> [[Double]] { (0..<count).map { a in (0..<count).map { b in entry(a, b) } } }
        // t^se_{l,m} carries the pose there and, because t^vp is per bit, the frame's propagation
        // back too (a round trip); t^vp_{m,l} is the serialisation 1/rate per bit.
        let instance = try SCCInstance(
            localMEC: users.map(\.local), probability: probability, cacheBytes: model.spaceCacheBytes,
            maintenanceEnergy: model.spaceMaintenanceJoules, flops: model.spaceFlops, frameBits: model.spaceFrameBits,
            mecCacheBytes: members.map(\.cacheBytes), mecFrequency: members.map(\.frequencyHz),
            mecMaxTasks: members.map(\.taskLimit),
            syncLatency: matrix { $0 == $1 ? 0 : oneWay($0, $1) + model.syncBits / rate },
            syncEnergy: matrix { $0 == $1 ? 0 : model.syncBits * joulesPerBit },
            sensorLatency: matrix { $0 == $1 ? 0 : 2 * oneWay($0, $1) + model.sensorBits / rate },
            sensorEnergy: matrix { $0 == $1 ? 0 : model.sensorBits * joulesPerBit },
            frameLatencyPerBit: matrix { $0 == $1 ? 0 : 1 / rate },
            frameEnergyPerBit: matrix { $0 == $1 ? 0 : joulesPerBit },
            deviceLatencyPerBit: users.map { _ in 1 / model.deviceRateBitsPerSecond },
            deviceEnergyPerBit: users.map { _ in model.devicePowerWatts / model.deviceRateBitsPerSecond },
            kappa: model.kappa)
        return Built(instance: instance, members: members.map(\.id), users: users)
    }

    /// The placement for `records`: solve, pick by weight, translate indices to ids.
    ///
    /// When the live members cannot hold every (user, space) pair the users recently visited
    /// (after a member's death, say), the demand is trimmed to each user's main space (its
    /// largest dwell share) and solved again, so that every user still has a view placed; such
    /// a placement says so in ``Placement/demandTrimmed``. Only if that too is infeasible does
    /// it throw (the caller keeps the current placement).
    public func plan(_ records: [MemberRecord], epoch: Int64, leader: String) throws -> Placement {
        do {
            return try planExactly(records, epoch: epoch, leader: leader)
        } catch let error as OptimizerError where error.code == .infeasible {
            let trimmed = records.map { record in
                var record = record
                record.users = record.users.map { UserPresence(user: $0.user, dwell: Self.mainSpace(of: $0.dwell)) }
                return record
            }
            var placement = try planExactly(trimmed, epoch: epoch, leader: leader)
            placement.demandTrimmed = true
            return placement
        }
    }

    /// The largest share of `dwell` alone (the lowest space on ties); empty when it has none.
    static func mainSpace(of dwell: [Int: Double]) -> [Int: Double] {
        let valid = dwell.filter { $0.value.isFinite && $0.value > 0 }
        guard let main = valid.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return [:] }
        return [main.key: main.value]
    }

    /// Instances of at most this many assignments (M^pairs) are searched exhaustively when the
    /// configured solver finds no feasible one (a few hundred milliseconds in a debug build).
    static let exhaustiveFallbackAssignments = 1e6

    /// M^pairs: the assignments an exhaustive search visits.
    static func assignmentCount(_ evaluator: SCCEvaluator) -> Double {
        pow(Double(evaluator.mecCount), Double(evaluator.pairCount))
    }

    /// The feasible point of `solver`'s front that the preference weight picks; nil when the
    /// solver finds none.
    private func preferredPoint(_ instance: SCCInstance, solver: SCCSolverName) throws -> SCCFrontPoint? {
        let result = Result { try SCCSolvers.solve(instance, with: solver, options: options) }
        if case .failure(let error as OptimizerError) = result, error.code == .infeasible { return nil }
        let front = try result.get().front
        return Self.preferred(front.filter(\.feasible), reference: SCCEvaluator(instance).reference, latencyWeight: latencyWeight)
    }

    private func planExactly(_ records: [MemberRecord], epoch: Int64, leader: String) throws -> Placement {
        guard let built = try instance(from: records) else {
            return .empty(
                epoch: epoch, leader: leader, solver: solver.rawValue, latencyWeight: latencyWeight,
                members: records.map(\.id).sorted())
        }
        var point = try preferredPoint(built.instance, solver: solver)
        if point == nil, solver != .exact, Self.assignmentCount(SCCEvaluator(built.instance)) <= Self.exhaustiveFallbackAssignments {
            // A heuristic's "nothing feasible" is no proof (Weight-Greedy places pairs one by one
            // and can paint itself into a corner of the cache and task limits): a small
            // instance is searched exhaustively before the planner gives up.
            point = try preferredPoint(built.instance, solver: .exact)
        }
        guard let point else { throw OptimizerError(.infeasible, "\(solver.rawValue) returned no feasible placement") }
        var views: [Placement.View] = []
        var caches: [Int: Set<String>] = [:]
        // The evaluator's per-pair terms are q-weighted; divided by q they are one view's.
        let evaluator = SCCEvaluator(built.instance)
        let pairIndex = Dictionary(evaluator.pairs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (u, user) in built.users.enumerated() {
            for (v, m) in point.assign[u].enumerated() where m >= 0 {
                let q = built.instance.probability[u][v]
                let p = pairIndex[SCCPair(user: u, space: v)]
                let perView = { (terms: [Double]) -> Double? in p.flatMap { q > 0 ? terms[$0 * evaluator.mecCount + m] / q : nil } }
                views.append(
                    .init(
                        user: user.id, local: built.members[user.local], space: v, member: built.members[m], share: q,
                        predictedSeconds: perView(evaluator.pairLatency), predictedJoules: perView(evaluator.pairEnergy)))
                caches[v, default: []].insert(built.members[m])
            }
        }
        return Placement(
            epoch: epoch, leader: leader, solver: solver.rawValue, latencyWeight: latencyWeight, members: built.members,
            views: views, caches: caches.mapValues { $0.sorted() },
            predictedLatencySeconds: point.latency, predictedEnergyJoules: point.energy)
    }

    /// The front point minimising w·T/T_ref + (1−w)·E/E_ref (the first on ties, fronts come by ascending T).
    public static func preferred(_ front: [SCCFrontPoint], reference: SCCObjectives, latencyWeight w: Double) -> SCCFrontPoint? {
        let tRef = reference.latency > 0 ? reference.latency : 1, eRef = reference.energy > 0 ? reference.energy : 1
        return front.min { a, b in
            w * a.latency / tRef + (1 - w) * a.energy / eRef < w * b.latency / tRef + (1 - w) * b.energy / eRef
        }
    }
}
