import Foundation
import Logging
import NIOConcurrencyHelpers
import Optimizers

/// What one daemon does in the cluster, over etcd: keep its member record alive under a lease,
/// campaign for the controller role (one leader at a time; its writes are fenced by the
/// creation revision of its leader key, which dies with its lease), run the SCC controller
/// while leading, and watch the placement. Decisions are values (``PlacementPlanner``,
/// ``PlacementDelta``); this is the shell that reads, writes and waits.
///
/// When etcd is unreachable the node keeps the placement it has, says so in its log and
/// ``ClusterStatus/etcdReachable``, and keeps retrying.
public final class ClusterNode: Sendable {
    public struct Configuration: Sendable {
        public var id: String
        public var keyspace: ClusterKeyspace
        /// TTL of the member's lease (s): a daemon silent this long is gone for everyone.
        public var leaseTTLSeconds: Int
        /// The controller's period (`scc.period`, s).
        public var periodSeconds: Double
        /// Whether this daemon may take the controller role.
        public var controllerEligible: Bool
        public var planner: PlacementPlanner

        public init(
            id: String, keyspace: ClusterKeyspace, leaseTTLSeconds: Int, periodSeconds: Double, controllerEligible: Bool, planner: PlacementPlanner
        ) {
            self.id = id
            self.keyspace = keyspace
            self.leaseTTLSeconds = leaseTTLSeconds
            self.periodSeconds = periodSeconds
            self.controllerEligible = controllerEligible
            self.planner = planner
        }

        /// Heartbeat interval: a third of the TTL (two missed beats still keep the lease), and
        /// no longer than the period.
        var tickSeconds: Double { max(0.05, min(Double(leaseTTLSeconds) / 3, periodSeconds)) }
    }

    public let configuration: Configuration
    private let etcd: EtcdClient
    private let logger: Logger
    private let record: @Sendable () -> MemberRecord
    private let apply: @Sendable (Placement) -> Void
    private let state = NIOLockedValueBox(ClusterStatus())

    /// - Parameters:
    ///   - record: the member's live record (read every heartbeat).
    ///   - apply: called with every new placement (by epoch) the watch sees.
    public init(
        configuration: Configuration, etcd: EtcdClient, logger: Logger,
        record: @escaping @Sendable () -> MemberRecord, apply: @escaping @Sendable (Placement) -> Void
    ) {
        self.configuration = configuration
        self.etcd = etcd
        self.logger = logger
        self.record = record
        self.apply = apply
    }

    /// The node's view now.
    public var status: ClusterStatus { state.withLockedValue { $0 } }

    /// Runs until cancelled. A clean stop calls ``leave()`` after; a crash leaves the lease to
    /// expire, and the member is gone for everyone within its TTL.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.heartbeat() }
            group.addTask { await self.watchPlacement() }
            await group.waitForAll()
        }
    }

    /// Revokes the lease: the member record and any leadership go at once.
    public func leave() async {
        let held = state.withLockedValue { state in
            let lease = state.lease
            state.lease = nil
            state.isLeader = false
            return lease
        }
        guard let lease = held else { return }
        do {
            try await etcd.revoke(lease: lease)
        } catch {
            logger.warning("cluster lease not revoked; it expires within its TTL", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Membership, election, controller

    private func heartbeat() async {
        let keys = configuration.keyspace
        var lastPlan = ContinuousClock.now - .seconds(configuration.periodSeconds)
        while !Task.isCancelled {
            do {
                let lease = try await currentLease()
                let data = try JSONEncoder().encode(record())
                try await etcd.put(keys.member(configuration.id), data, lease: lease)
                var fence: Int64?
                if configuration.controllerEligible { fence = try await campaign(lease: lease) }
                if let fence, ContinuousClock.now - lastPlan >= .seconds(configuration.periodSeconds) {
                    lastPlan = .now
                    do {
                        try await controlRound(fence: fence)
                    } catch let error as OptimizerError {
                        // No feasible placement for the live members (capacities too small):
                        // the current placement stays; etcd itself is fine.
                        logger.warning("cluster placement not solvable; keeping the current one", metadata: ["error": "\(error)"])
                    }
                }
                markReachable(true, error: nil)
            } catch EtcdError.leaseExpired(let id) {
                logger.warning("cluster lease expired; registering again", metadata: ["lease": "\(id)"])
                state.withLockedValue {
                    $0.lease = nil; $0.isLeader = false
                }
            } catch is CancellationError {
                return
            } catch {
                markReachable(false, error: error)
            }
            try? await Task.sleep(for: .seconds(configuration.tickSeconds))
        }
    }

    /// The live lease, renewed; a new one (and so a new registration) when there is none.
    private func currentLease() async throws -> Int64 {
        if let lease = state.withLockedValue({ $0.lease }) {
            try await etcd.keepAlive(lease: lease)
            return lease
        }
        let (lease, _) = try await etcd.grantLease(ttlSeconds: configuration.leaseTTLSeconds)
        state.withLockedValue { $0.lease = lease }
        logger.info("cluster member registered", metadata: ["id": "\(configuration.id)", "lease": "\(lease)"])
        return lease
    }

    /// Creates the leader key under our lease if nobody holds it; returns our fence (the key's
    /// creation revision) when we lead, nil otherwise.
    private func campaign(lease: Int64) async throws -> Int64? {
        let key = configuration.keyspace.leader
        let result = try await etcd.transaction(
            compare: [.createRevision(key, equals: 0)],
            success: [.put(key: key, value: Data(configuration.id.utf8), lease: lease), .get(key: key)],
            failure: [.get(key: key)])
        guard let holder = result.values.first else { return nil }
        let leaderID = String(decoding: holder.value, as: UTF8.self)
        let leading = leaderID == configuration.id && holder.lease == lease
        let changed = state.withLockedValue { state in
            defer { state.leader = leaderID; state.isLeader = leading }
            return state.leader != leaderID
        }
        if changed { logger.info("cluster controller elected", metadata: ["leader": "\(leaderID)", "self": "\(leading)"]) }
        return leading ? holder.createRevision : nil
    }

    /// One controller period: live members → SCC → placement, written only if we still lead
    /// (fence) and nobody wrote a placement since we read it (revision guard).
    private func controlRound(fence: Int64) async throws {
        let keys = configuration.keyspace
        let records = try await etcd.getPrefix(keys.members).values.compactMap { try? JSONDecoder().decode(MemberRecord.self, from: $0.value) }
        let current = try await etcd.get(keys.placement)
        let previous = current.flatMap { try? Placement.decoded($0.value) }
        let placement = try configuration.planner.plan(records, epoch: (previous?.epoch ?? 0) + 1, leader: configuration.id)
        if let previous, previous.sameAssignment(as: placement) {
            return  // nothing changed: no new epoch
        }
        let result = try await etcd.transaction(
            compare: [
                .createRevision(keys.leader, equals: fence), .value(keys.leader, equals: Data(configuration.id.utf8)),
                .modRevision(keys.placement, equals: current?.modRevision ?? 0),
            ],
            success: [.put(key: keys.placement, value: try placement.encoded(), lease: 0)])
        if result.succeeded {
            logger.info(
                "cluster placement written",
                metadata: [
                    "epoch": "\(placement.epoch)", "views": "\(placement.views.count)", "members": "\(placement.members.count)",
                    "T_s": "\(placement.predictedLatencySeconds)", "E_J": "\(placement.predictedEnergyJoules)",
                    "demand_trimmed": "\(placement.demandTrimmed ?? false)",
                ])
        } else {
            logger.info("cluster placement write fenced off (leadership or placement changed)")
        }
    }

    private func markReachable(_ reachable: Bool, error: (any Error)?) {
        let was = state.withLockedValue { state in
            defer { state.etcdReachable = reachable }
            return state.etcdReachable
        }
        if was && !reachable {
            logger.error("etcd unreachable: serving the current placement until it answers", metadata: ["error": "\(error.map { "\($0)" } ?? "")"])
        } else if !was && reachable {
            logger.info("etcd reachable again")
        }
    }

    // MARK: Placement watch

    private func watchPlacement() async {
        let key = configuration.keyspace.placement
        while !Task.isCancelled {
            do {
                let (values, revision) = try await etcd.getPrefix(key)
                if let value = values.first(where: { $0.key == key }) { deliver(value) }
                for try await events in etcd.watch(prefix: key, fromRevision: revision + 1) {
                    for event in events where event.kind == .put && event.keyValue.key == key { deliver(event.keyValue) }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.debug("cluster placement watch restarts", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(configuration.tickSeconds))
        }
    }

    private func deliver(_ value: EtcdKeyValue) {
        guard let placement = try? Placement.decoded(value.value) else {
            logger.error("cluster placement undecodable; keeping the current one")
            return
        }
        let isNew = state.withLockedValue { state in
            guard placement.epoch > (state.placement?.epoch ?? 0) else { return false }
            state.placement = placement
            return true
        }
        if isNew { apply(placement) }
    }
}

/// A node's view of the cluster.
public struct ClusterStatus: Sendable, Equatable {
    /// The member's lease (nil until registered or after it expired).
    public var lease: Int64?
    /// Who holds the controller role, as last seen.
    public var leader: String?
    public var isLeader = false
    /// Whether the last heartbeat reached etcd.
    public var etcdReachable = true
    /// The placement being served.
    public var placement: Placement?
}
