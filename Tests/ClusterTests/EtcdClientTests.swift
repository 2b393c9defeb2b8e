import Cluster
import Foundation
import Testing

/// The etcd client against a real 3-member cluster on loopback.
@Suite(.enabled(if: EtcdTestCluster.available, "etcd is not installed (make deps installs etcd-server)"), .timeLimit(.minutes(2)))
struct EtcdClientTests {
    @Test func putGetPrefixDeleteAndTransactions() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let first = try await etcd.put("/t/a", Data("1".utf8))
        let second = try await etcd.put("/t/b", Data("2".utf8))
        #expect(second > first)
        try await etcd.put("/u/c", Data("3".utf8))
        #expect(try await etcd.get("/t/a")?.value == Data("1".utf8))
        let (values, revision) = try await etcd.getPrefix("/t/")
        #expect(values.map(\.key) == ["/t/a", "/t/b"])
        #expect(revision >= second)

        // Create-if-absent succeeds once; the second sees the holder through the failure branch.
        let won = try await etcd.transaction(
            compare: [.createRevision("/t/leader", equals: 0)],
            success: [.put(key: "/t/leader", value: Data("x".utf8), lease: 0)], failure: [.get(key: "/t/leader")])
        let lost = try await etcd.transaction(
            compare: [.createRevision("/t/leader", equals: 0)],
            success: [.put(key: "/t/leader", value: Data("y".utf8), lease: 0)], failure: [.get(key: "/t/leader")])
        #expect(won.succeeded && !lost.succeeded)
        #expect(lost.values.first?.value == Data("x".utf8))
        // A revision guard on a stale revision fails and changes nothing.
        let stale = try await etcd.transaction(
            compare: [.modRevision("/t/a", equals: first - 1)], success: [.put(key: "/t/a", value: Data("9".utf8), lease: 0)])
        #expect(!stale.succeeded)
        #expect(try await etcd.get("/t/a")?.value == Data("1".utf8))

        try await etcd.delete("/t/a")
        #expect(try await etcd.get("/t/a") == nil)
    }

    @Test func leaseKeepsKeysAliveAndTheirExpiryRemovesThem() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let (kept, _) = try await etcd.grantLease(ttlSeconds: 2)
        let (dropped, _) = try await etcd.grantLease(ttlSeconds: 2)
        try await etcd.put("/l/kept", Data(), lease: kept)
        try await etcd.put("/l/dropped", Data(), lease: dropped)
        for _ in 0..<8 {  // 4 s, twice the TTL
            try await etcd.keepAlive(lease: kept)
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(try await etcd.get("/l/kept") != nil)
        #expect(try await etcd.get("/l/dropped") == nil)
        await #expect(throws: EtcdError.leaseExpired(id: dropped)) { try await etcd.keepAlive(lease: dropped) }
        try await etcd.revoke(lease: kept)
        #expect(try await etcd.get("/l/kept") == nil)
    }

    @Test func watchDeliversChangesFromARevision() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let start = try await etcd.put("/w/a", Data("1".utf8))
        try await etcd.put("/w/b", Data("2".utf8))
        try await etcd.delete("/w/a")
        var seen: [(EtcdEvent.Kind, String)] = []
        for try await events in etcd.watch(prefix: "/w/", fromRevision: start) {
            seen += events.map { ($0.kind, $0.keyValue.key) }
            if seen.count >= 3 { break }
        }
        #expect(seen.map(\.0) == [.put, .put, .delete])
        #expect(seen.map(\.1) == ["/w/a", "/w/b", "/w/a"])
    }

    @Test func killingOneMemberOfThreeChangesNothingVisible() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        // A deadline that covers an election (500 ms timeout here) on two shared cores.
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints, callTimeoutSeconds: 5, attempts: 6))
        try await etcd.put("/k/before", Data("1".utf8))
        // Kill the Raft leader: the client fails over to a follower while the other two elect.
        let leader = try #require(await cluster.leaderIndex())
        cluster.kill(leader)
        try await etcd.put("/k/after", Data("2".utf8))
        #expect(try await etcd.get("/k/before")?.value == Data("1".utf8))
        #expect(try await etcd.getPrefix("/k/").values.count == 2)
    }

    @Test func unreachableEtcdFailsWithinTheDeadline() async throws {
        let ports = try EtcdTestCluster.freePorts(2)
        let etcd = EtcdClient(configuration: .init(endpoints: ports.map { "127.0.0.1:\($0)" }, callTimeoutSeconds: 0.5))
        let start = ContinuousClock.now
        await #expect { try await etcd.put("/x", Data()) } throws: { error in
            guard case .unavailable = error as? EtcdError else { return false }
            return true
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }
}
