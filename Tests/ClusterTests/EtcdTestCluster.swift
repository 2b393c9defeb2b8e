import Cluster
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A 3-member etcd cluster on loopback ports for one test: started from `/usr/bin/etcd`
/// (Debian etcd-server, installed by `make deps`), data in a temporary directory, stopped and
/// removed by ``stop()``. Tests that need it are disabled with a message where etcd is missing.
final class EtcdTestCluster: @unchecked Sendable {
    static let binary = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }

    let directory: URL
    let clientPorts: [Int]
    let peerPorts: [Int]
    private(set) var processes: [Process?]

    var endpoints: [String] { clientPorts.map { "127.0.0.1:\($0)" } }

    init(members: Int = 3) throws {
        guard let binary = Self.binary else { throw CocoaError(.fileNoSuchFile) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = try Self.freePorts(2 * members)
        let clientPorts = Array(ports[0..<members])
        let peerPorts = Array(ports[members...])
        self.directory = directory
        self.clientPorts = clientPorts
        self.peerPorts = peerPorts
        let initial = (0..<members).map { "m\($0)=http://127.0.0.1:\(peerPorts[$0])" }.joined(separator: ",")
        var processes: [Process?] = []
        for member in 0..<members {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "--name", "m\(member)", "--data-dir", directory.appendingPathComponent("m\(member)").path,
                "--listen-client-urls", "http://127.0.0.1:\(clientPorts[member])",
                "--advertise-client-urls", "http://127.0.0.1:\(clientPorts[member])",
                "--listen-peer-urls", "http://127.0.0.1:\(peerPorts[member])",
                "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPorts[member])",
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", directory.lastPathComponent,
                "--heartbeat-interval", "50", "--election-timeout", "500", "--log-level", "error", "--logger", "zap",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            do {
                try process.run()
            } catch {
                for started in processes.compactMap({ $0 }) { started.terminate() }
                throw error
            }
            processes.append(process)
        }
        self.processes = processes
    }

    /// Waits (bounded) until a write through every endpoint succeeds.
    func waitUntilReady(timeoutSeconds: Double = 30) async throws {
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        for endpoint in endpoints {
            let client = EtcdClient(configuration: .init(endpoints: [endpoint], callTimeoutSeconds: 1, attempts: 1))
            while true {
                do {
                    try await client.put("/ready", Data("1".utf8))
                    break
                } catch {
                    guard ContinuousClock.now < deadline else { throw error }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// SIGKILLs member `index`.
    func kill(_ index: Int) {
        guard let process = processes[index] else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        processes[index] = nil
    }

    /// The member index that leads Raft now, asked of each live member in turn.
    func leaderIndex() async -> Int? {
        for (index, endpoint) in endpoints.enumerated() where processes[index] != nil {
            let client = EtcdClient(configuration: .init(endpoints: [endpoint], callTimeoutSeconds: 1, attempts: 1))
            guard let status = try? await client.memberStatus() else { continue }
            var statuses: [(Int, String)] = [(index, status.member)]
            for (other, otherEndpoint) in endpoints.enumerated() where other != index && processes[other] != nil {
                let otherClient = EtcdClient(configuration: .init(endpoints: [otherEndpoint], callTimeoutSeconds: 1, attempts: 1))
                if let otherStatus = try? await otherClient.memberStatus() { statuses.append((other, otherStatus.member)) }
            }
            return statuses.first { $0.1 == status.leader }?.0
        }
        return nil
    }

    func stop() {
        for index in processes.indices { kill(index) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Ports the kernel hands out now for loopback listeners (bound, read, released).
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw CocoaError(.fileWriteUnknown) }
            sockets.append(fd)
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
