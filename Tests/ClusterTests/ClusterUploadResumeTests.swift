import Cluster
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import SplatClient
import Testing

/// "Nothing lost" in a cluster: real `edge-serverd` processes over a real 3-member etcd. An
/// HTTP upload in progress on a daemon that is SIGKILLed resumes on that daemon after it is
/// restarted on the same data directory (the durable offset survives), the cluster places the
/// remaining users without it meanwhile, and once it is back and the placement converged no
/// user is left without a placement.
@Suite(
    .enabled(if: EtcdTestCluster.available, "etcd is not installed (make deps installs etcd-server)"),
    .enabled(if: BuiltProducts.executable("edge-serverd") != nil, "edge-serverd not built: run `swift build` first"),
    .timeLimit(.minutes(3)))
struct ClusterUploadResumeTests {
    static let ttl = 2
    static let period = 0.5
    static let token = "t"

    /// One daemon's ports and files, kept so that it restarts as the same member.
    struct Site {
        var id: String
        var binaryPort: Int
        var httpPort: Int
        var config: URL
        var dataDirectory: String
    }

    static func site(_ id: String, index: Int, cluster: EtcdTestCluster, prefix: String) throws -> Site {
        let ports = try EtcdTestCluster.freePorts(2)
        let site = Site(
            id: id, binaryPort: ports[0], httpPort: ports[1], config: cluster.directory.appendingPathComponent("\(id).toml"),
            dataDirectory: cluster.directory.path + "/\(id)-data")
        try """
        [irac]
        probe_size = "32x24"
        frame_size = "32x24"
        [cluster]
        enabled = true
        id = "\(id)"
        site = "site-\(index)"
        etcd_endpoints = [\(cluster.endpoints.map { "\"\($0)\"" }.joined(separator: ", "))]
        prefix = "\(prefix)"
        lease_ttl_s = \(Self.ttl)
        space_extent_m = 1.0
        [scc]
        period_s = \(Self.period)
        solver = "weightgreedy"
        """.write(to: site.config, atomically: true, encoding: .utf8)
        return site
    }

    static func startDaemon(_ executable: String, _ site: Site, log: URL) throws -> Process {
        try ClusterDaemonTests.start(
            executable,
            [
                "--config", site.config.path, "--binary-port", String(site.binaryPort), "--http-port", String(site.httpPort),
                "--data-dir", site.dataDirectory, "--token", Self.token, "--world-gaussians", "2000", "--threads", "1",
                "--slot-ms", "200",
            ], log: log)
    }

    /// An HTTP/2 client to `site` once its listener accepts (bounded).
    static func connect(_ site: Site) async throws -> SplatHTTPClient {
        for _ in 0..<200 {
            if let client = try? await SplatHTTPClient.connect(host: "127.0.0.1", port: site.httpPort, token: Self.token) { return client }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CocoaError(.fileReadUnknown)
    }

    /// Every user some member reports, and whether the placement places each of them on a live member.
    static func converged(_ etcd: EtcdClient, _ keys: ClusterKeyspace, members expected: [String]) async throws -> Bool {
        let records = try await ClusterDaemonTests.members(etcd, keys)
        let users = records.flatMap { $0.users.map(\.user) }
        guard Set(records.map(\.id)) == Set(expected), !users.isEmpty,
            let placement = try await ClusterDaemonTests.placement(etcd, keys)
        else { return false }
        let live = Set(expected)
        return placement.members == expected.sorted() && placement.unplaced(users).isEmpty
            && placement.views.allSatisfy { live.contains($0.member) }
    }

    @Test func uploadInterruptedBySIGKILLResumesOnTheRestartedDaemonAndEveryUserIsPlaced() async throws {
        let daemon = try #require(BuiltProducts.executable("edge-serverd"))
        let clientSim = try #require(BuiltProducts.executable("client-sim"))
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        try await cluster.waitUntilReady()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.endpoints))
        let prefix = "/resume-\(UUID().uuidString.prefix(8))"
        let keys = ClusterKeyspace(prefix: prefix)
        let work = cluster.directory
        let sites = try ["edge-a", "edge-b"].enumerated().map { try Self.site($1, index: $0, cluster: cluster, prefix: prefix) }
        var processes: [Process] = []
        defer { for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var daemons: [String: Process] = [:]
        for (index, site) in sites.enumerated() {
            let process = try Self.startDaemon(daemon, site, log: work.appendingPathComponent("\(site.id).log"))
            daemons[site.id] = process
            processes.append(process)
            processes.append(
                try ClusterDaemonTests.start(
                    clientSim,
                    [
                        "--role", "user", "--count", "2", "--seed", String(index + 1), "--first-index", String(10 * index),
                        "--server", "127.0.0.1:\(site.binaryPort)", "--token", Self.token, "--duration", "90",
                        "--world-gaussians", "2000", "--frame-size", "32x24", "--out", work.path + "/reports-\(site.id)",
                    ], log: work.appendingPathComponent("client-\(site.id).log")))
        }
        let ids = sites.map(\.id)
        #expect(
            try await ClusterNodeTests.eventually(within: 40) { try await Self.converged(etcd, keys, members: ids) } != nil,
            "no placement over both members placing every user")

        // An upload to edge-a over its HTTP routes (BEGIN, CHUNKs), SIGKILLed once a third is durable.
        let (victim, survivor) = (sites[0], sites[1])
        var generator = SystemRandomNumberGenerator()
        let data = (0..<1_500_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let path = "/v1/uploads/cluster-resume/7"
        let first = try await Self.connect(victim)
        let begun = try await first.request(.POST, path, headers: ["upload-length": String(data.count), "upload-sha256": digest])
        #expect(begun.status == 200 && begun.headers.first(name: "upload-offset") == "0")
        let chunk = 32_768
        let durable = NIOLockedValueBox(0)
        let writer = Task {
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + chunk)
                guard
                    let answer = try? await first.request(.PATCH, path, headers: ["upload-offset": String(offset)], body: Array(data[offset..<end])),
                    answer.status == 200, let next = answer.headers.first(name: "upload-offset").flatMap(Int.init)
                else { return }
                offset = next
                durable.withLockedValue { $0 = next }
            }
        }
        while durable.withLockedValue({ $0 }) < data.count / 3 { try await Task.sleep(for: .milliseconds(1)) }
        let killed = try #require(daemons[victim.id])
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        await writer.value
        await first.close()
        let acknowledged = durable.withLockedValue { $0 }
        #expect(acknowledged < data.count, "the upload finished before the kill; nothing was interrupted")

        // Meanwhile the cluster places the survivor's users without the killed member.
        let without = try await ClusterNodeTests.eventually(within: 20) { try await Self.converged(etcd, keys, members: [survivor.id]) }
        #expect(without != nil, "no placement without \(victim.id) placing every remaining user")

        // Restarted on the same data directory and ports: the upload continues where it was durable.
        let restarted = try Self.startDaemon(daemon, victim, log: work.appendingPathComponent("\(victim.id)-restarted.log"))
        processes.append(restarted)
        let second = try await Self.connect(victim)
        defer { Task { await second.close() } }
        let progress = try await second.request(.HEAD, path)
        let resumeAt = try #require(progress.headers.first(name: "upload-offset").flatMap(Int.init))
        #expect(progress.status == 200)
        #expect(resumeAt >= acknowledged && resumeAt < data.count, "resumes at \(resumeAt), \(acknowledged) was acknowledged")
        var offset = resumeAt
        while offset < data.count {
            let end = min(data.count, offset + chunk)
            let answer = try await second.request(.PATCH, path, headers: ["upload-offset": String(offset)], body: Array(data[offset..<end]))
            try #require(answer.status == 200, "chunk at \(offset): \(answer.status) \(answer.text)")
            offset = try #require(answer.headers.first(name: "upload-offset").flatMap(Int.init))
        }
        let committed = try await second.request(.POST, path + "/end")
        #expect(committed.status == 201)
        #expect(committed.text.trimmingCharacters(in: .whitespacesAndNewlines) == digest, "committed bytes differ from those sent")

        // The restarted member registers again and, after convergence, every reported user is placed.
        let back = try await ClusterNodeTests.eventually(within: 30) { try await Self.converged(etcd, keys, members: ids) }
        #expect(back != nil, "after \(victim.id)'s restart no placement over both members places every user")
        print(
            "cluster resume: upload resumed at \(resumeAt) of \(data.count) bytes (\(acknowledged) acknowledged before SIGKILL); placement without the killed member after \(without.map { "\($0)" } ?? "never"), with it again after \(back.map { "\($0)" } ?? "never")"
        )
    }
}
