import Cluster
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// Three cluster nodes (the daemon's cluster role, in process) over a real 3-member etcd.
@Suite(.enabled(if: EtcdTestCluster.available, "etcd is not installed (make deps installs etcd-server)"), .timeLimit(.minutes(2)))
struct ClusterNodeTests {
    static let ttl = 2
    static let period = 0.5

    /// A node whose users and applied placements the test can see.
    final class Harness: Sendable {
        let node: ClusterNode
        let applied = NIOLockedValueBox<[Placement]>([])
        let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)

        init(id: String, etcd: EtcdClient, prefix: String, users: [UserPresence]) {
            let planner = PlacementPlanner(model: ClusterModel(), solver: .weightgreedy, latencyWeight: 0.5)
            let record = MemberRecord(
                id: id, site: id, httpAddress: "127.0.0.1:1", binaryAddress: "127.0.0.1:2", cacheBytes: 12e9,
                frequencyHz: 3e9, taskLimit: 8, users: users)
            let applied = self.applied
            node = ClusterNode(
                configuration: .init(
                    id: id, keyspace: ClusterKeyspace(prefix: prefix), leaseTTLSeconds: ClusterNodeTests.ttl,
                    periodSeconds: ClusterNodeTests.period, controllerEligible: true, planner: planner),
                etcd: etcd, logger: Logger(label: "test.\(id)"), record: { record },
                apply: { placement in applied.withLockedValue { $0.append(placement) } })
        }

        func start() {
            let node = node
            task.withLockedValue { $0 = Task { await node.run() } }
        }

        /// Stops the node; `crash` leaves its lease to expire as a SIGKILLed daemon's would.
        func stop(crash: Bool) async {
            guard let running = task.withLockedValue({ $0 }) else { return }
            running.cancel()
            await running.value
            if !crash { await node.leave() }
        }
    }

    static func users(_ names: [String], space: Int) -> [UserPresence] { names.map { UserPresence(user: $0, dwell: [space: 1]) } }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass; returns the time it took.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(seconds) {
            if try await condition() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func oneControllerPlacementsAppliedAndFailoverWithinTTLPlusPeriod() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let prefix = "/test-\(UUID().uuidString)"
        let keys = ClusterKeyspace(prefix: prefix)
        let nodes = [
            Harness(id: "edge-a", etcd: etcd, prefix: prefix, users: Self.users(["a1", "a2"], space: 0)),
            Harness(id: "edge-b", etcd: etcd, prefix: prefix, users: Self.users(["b1"], space: 1)),
            Harness(id: "edge-c", etcd: etcd, prefix: prefix, users: Self.users(["c1"], space: 2)),
        ]
        nodes.forEach { $0.start() }

        // Registration: all three records appear under their leases.
        #expect(try await Self.eventually(within: 5) { try await etcd.getPrefix(keys.members).values.count == 3 } != nil)
        for value in try await etcd.getPrefix(keys.members).values { #expect(value.lease != 0) }

        // Exactly one controller, and the placement it writes reaches every node.
        #expect(try await Self.eventually(within: 5) { nodes.filter { $0.node.status.isLeader }.count == 1 } != nil)
        #expect(
            try await Self.eventually(within: 5) {
                nodes.allSatisfy { ($0.applied.withLockedValue { $0.last?.views.count }) == 4 }
            } != nil)
        let leaders = nodes.filter { $0.node.status.isLeader }
        #expect(leaders.count == 1)
        let placement = try #require(nodes[0].applied.withLockedValue { $0.last })
        #expect(placement.unplaced(["a1", "a2", "b1", "c1"]).isEmpty)
        #expect(Set(nodes.map { $0.applied.withLockedValue { $0.last?.epoch } }).count == 1)

        // Crash the leader (no revoke): another takes over within TTL + one period, and the new
        // placement leaves the dead member out and places every remaining user.
        let old = try #require(leaders.first)
        await old.stop(crash: true)
        let survivors = nodes.filter { $0 !== old }
        let takeover = try await Self.eventually(within: Double(Self.ttl) + Self.period + 2) {
            survivors.filter { $0.node.status.isLeader }.count == 1
        }
        let took = try #require(takeover)
        #expect(took <= .seconds(Double(Self.ttl) + Self.period + 1))  // + one heartbeat of slack
        let remainingUsers = survivors.flatMap { harness in
            ["edge-a": ["a1", "a2"], "edge-b": ["b1"], "edge-c": ["c1"]][harness.node.configuration.id]!
        }
        #expect(
            try await Self.eventually(within: 5) {
                survivors.allSatisfy { harness in
                    guard let last = harness.applied.withLockedValue({ $0.last }) else { return false }
                    return !last.members.contains(old.node.configuration.id) && last.unplaced(remainingUsers).isEmpty
                }
            } != nil)
        for harness in survivors { await harness.stop(crash: false) }
        // Clean stops revoke: the members are gone at once.
        #expect(try await Self.eventually(within: 2) { try await etcd.getPrefix(keys.members).values.isEmpty } != nil)
    }

    @Test func aFencedOffLeaderCannotWriteAPlacement() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let keys = ClusterKeyspace(prefix: "/fence")
        let (lease, _) = try await etcd.grantLease(ttlSeconds: 1)
        let campaign = try await etcd.transaction(
            compare: [.createRevision(keys.leader, equals: 0)],
            success: [.put(key: keys.leader, value: Data("old".utf8), lease: lease), .get(key: keys.leader)])
        let fence = try #require(campaign.values.first?.createRevision)
        // The old leader's lease lapses and a new leader is elected under the same name.
        #expect(try await Self.eventually(within: 4) { try await etcd.get(keys.leader) == nil } != nil)
        let (newLease, _) = try await etcd.grantLease(ttlSeconds: 5)
        try await etcd.put(keys.leader, Data("old".utf8), lease: newLease)
        let write = try await etcd.transaction(
            compare: [.createRevision(keys.leader, equals: fence), .value(keys.leader, equals: Data("old".utf8))],
            success: [.put(key: keys.placement, value: Data("stale".utf8), lease: 0)])
        #expect(!write.succeeded)
        #expect(try await etcd.get(keys.placement) == nil)
    }

    /// docs/OPERATIONS.md: with every etcd member gone the node says so (status and log) and keeps
    /// serving the placement it holds; nothing new is applied.
    @Test func unreachableEtcdKeepsTheCurrentPlacementAndSaysSo() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints, callTimeoutSeconds: 0.5, attempts: 2))
        let node = Harness(
            id: "edge-a", etcd: etcd, prefix: "/unreachable-\(UUID().uuidString.prefix(8))", users: Self.users(["u1", "u2"], space: 1))
        node.start()
        let placed = try await Self.eventually(within: 10) { node.node.status.placement?.views.count == 2 && node.node.status.etcdReachable }
        #expect(placed != nil, "no placement with both users before etcd went away")
        let before = node.node.status.placement
        let appliedBefore = node.applied.withLockedValue { $0.count }
        for member in 0..<3 { cluster.kill(member) }
        let noticed = try await Self.eventually(within: 6) { !node.node.status.etcdReachable }
        #expect(noticed != nil, "the node did not notice that etcd is unreachable")
        try await Task.sleep(for: .seconds(Double(Self.ttl) + Self.period))
        #expect(node.node.status.placement == before && before != nil, "the placement served changed without etcd")
        #expect(node.applied.withLockedValue { $0.count } == appliedBefore)
        #expect(!node.node.status.etcdReachable)
        await node.stop(crash: true)
    }
}
