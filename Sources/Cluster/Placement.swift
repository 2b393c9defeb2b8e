import Foundation

/// The placement the elected controller wrote: for every (user, space) pair with q_{u,v} > 0,
/// the member that computes the user's viewport of the space (SCC's y_{u,v,m}); which members
/// cache each space (z_{v,m}, Lemma 1); and the model's prediction of T and E for it.
public struct Placement: Codable, Sendable, Equatable {
    /// One computed view: user, its local member, the space, the computing member.
    public struct View: Codable, Sendable, Equatable, Hashable {
        public var user: String
        public var local: String
        public var space: Int
        public var member: String
        /// q_{u,v}: the share of the recent window the user spent in the space.
        public var share: Double?
        /// The model's latency of one view here, not weighted by q: w/f + t^se + d·t^vp + d·t^ed
        /// (SPEC §5), for comparison with the measured frame latency.
        public var predictedSeconds: Double?
        /// The model's energy of one view here, likewise: κ·w·f² + e^se + d·e^vp + d·e^ed.
        public var predictedJoules: Double?

        public init(
            user: String, local: String, space: Int, member: String, share: Double? = nil, predictedSeconds: Double? = nil,
            predictedJoules: Double? = nil
        ) {
            self.user = user
            self.local = local
            self.space = space
            self.member = member
            self.share = share
            self.predictedSeconds = predictedSeconds
            self.predictedJoules = predictedJoules
        }
    }

    /// Increments with every placement written (the controller reads the previous one).
    public var epoch: Int64
    /// The controller that wrote it.
    public var leader: String
    /// Solver and preference weight w (latency weight) that chose it.
    public var solver: String
    public var latencyWeight: Double
    /// Members of the instance, in its MEC order.
    public var members: [String]
    /// Every placed view.
    public var views: [View]
    /// Space → members caching it.
    public var caches: [Int: [String]]
    /// The model's T (s) and E (J) for this placement.
    public var predictedLatencySeconds: Double
    public var predictedEnergyJoules: Double
    /// True when the full demand did not fit the live members and each user's demand was
    /// trimmed to its main space (``PlacementPlanner/plan(_:epoch:leader:)``).
    public var demandTrimmed: Bool?

    public init(
        epoch: Int64, leader: String, solver: String, latencyWeight: Double, members: [String], views: [View],
        caches: [Int: [String]], predictedLatencySeconds: Double, predictedEnergyJoules: Double
    ) {
        self.epoch = epoch
        self.leader = leader
        self.solver = solver
        self.latencyWeight = latencyWeight
        self.members = members
        self.views = views
        self.caches = caches
        self.predictedLatencySeconds = predictedLatencySeconds
        self.predictedEnergyJoules = predictedEnergyJoules
    }

    /// An empty placement (no users).
    public static func empty(epoch: Int64, leader: String, solver: String, latencyWeight: Double, members: [String]) -> Placement {
        Placement(
            epoch: epoch, leader: leader, solver: solver, latencyWeight: latencyWeight, members: members,
            views: [], caches: [:], predictedLatencySeconds: 0, predictedEnergyJoules: 0)
    }

    /// Spaces member `id` must cache.
    public func spaces(of id: String) -> Set<Int> {
        Set(caches.compactMap { $0.value.contains(id) ? $0.key : nil })
    }

    /// The member computing `user`'s view of `space`, if placed.
    public func computingMember(user: String, space: Int) -> String? {
        views.first { $0.user == user && $0.space == space }?.member
    }

    /// Whether `other` places the same views on the same members with the same caches (the
    /// model's figures and shares, which move with every measurement, left aside).
    public func sameAssignment(as other: Placement) -> Bool {
        let key = { (view: View) in View(user: view.user, local: view.local, space: view.space, member: view.member) }
        return members == other.members && caches == other.caches && views.map(key) == other.views.map(key)
    }

    /// Users of `users` that have no placed view at all (should be none after convergence).
    public func unplaced(_ users: [String]) -> [String] {
        let placed = Set(views.map(\.user))
        return users.filter { !placed.contains($0) }
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(self)
    }

    static func decoded(_ data: Data) throws -> Placement { try JSONDecoder().decode(Placement.self, from: data) }
}

/// What a member does when a new placement arrives: the spaces to load and those to evict.
public struct PlacementDelta: Sendable, Equatable {
    public var load: Set<Int>
    public var evict: Set<Int>

    /// From the spaces held to those `placement` assigns to `member`.
    public init(holding: Set<Int>, placement: Placement, member: String) {
        let wanted = placement.spaces(of: member)
        load = wanted.subtracting(holding)
        evict = holding.subtracting(wanted)
    }
}
