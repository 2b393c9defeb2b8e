import Crypto
import NIOConcurrencyHelpers
import Foundation
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

/// The `edge-serverd` executable next to the test bundle (built by `swift build --build-tests`).
func daemonExecutable() -> String? {
    let root = packageRoot() + "/.build"
    return ["debug", "release"].map { "\(root)/\($0)/edge-serverd" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A free loopback port (bound and released; the daemon binds it right after).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A daemon in a child process.
final class ChildDaemon {
    let process = Process()
    let binaryPort: Int

    init(executable: String, dataDirectory: String) throws {
        binaryPort = try freePort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--binary-port", String(binaryPort), "--http-port", String(try freePort()), "--data-dir", dataDirectory,
            "--token", TestDaemon.token, "--log-level", "warning", "--threads", "1",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Connects once the daemon accepts connections.
    func connect() async throws -> SplatConnection {
        for _ in 0..<100 {
            if let connection = try? await SplatConnection.connect(host: "127.0.0.1", port: binaryPort) { return connection }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SplatClientError.closed
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() -> Int32 {
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("Crash safety (child daemon process)")
struct CrashSafetyTests {
    @Test(
        "SIGKILL mid-upload, restart on the same data directory, finish: nothing lost or duplicated",
        .enabled(if: daemonExecutable() != nil, "edge-serverd is not built (swift build --build-tests builds it)"))
    func killMidUpload() async throws {
        let executable = daemonExecutable()!
        let dataDirectory = TestDaemon.temporaryDirectory()
        let data = testBytes(count: 2_000_000, seed: 6)
        let digest = Array(SHA256.hash(data: data))
        let begin = UploadBegin(uploadID: 42, totalSize: UInt64(data.count), sha256: digest, kind: .dataset, name: "crash")

        let first = try ChildDaemon(executable: executable, dataDirectory: dataDirectory)
        let connection = try await first.connect()
        _ = try await connection.hello(Hello(role: .collector, clientID: "crashy", token: TestDaemon.token))
        var acknowledged: UInt64 = try await connection.beginUpload(begin)
        let chunk = 16_384
        let progress = NIOLockedValueBox(UInt64(0))
        let writer = Task {
            var offset: UInt64 = 0
            while offset < UInt64(data.count) {
                let end = min(data.count, Int(offset) + chunk)
                guard let next = try? await connection.uploadChunk(id: 42, offset: offset, bytes: data[Int(offset)..<end]) else { return }
                offset = next
                progress.withLockedValue { $0 = next }
            }
        }
        // Kill once a third is acknowledged: the next chunk is on the wire or being written.
        while progress.withLockedValue({ $0 }) < UInt64(data.count / 3) { try await Task.sleep(for: .milliseconds(1)) }
        first.kill()
        await writer.value
        await connection.close()

        let second = try ChildDaemon(executable: executable, dataDirectory: dataDirectory)
        let resumed = try await second.connect()
        _ = try await resumed.hello(Hello(role: .collector, clientID: "crashy", token: TestDaemon.token))
        acknowledged = try await resumed.beginUpload(begin)
        #expect(acknowledged > 0, "some chunks were durable before the kill")
        #expect(acknowledged < UInt64(data.count), "the kill landed mid-upload")
        #expect(acknowledged % UInt64(chunk) == 0, "the durable offset is a chunk boundary")
        let committed = try await resumed.upload(id: 42, data: data, chunkSize: chunk)
        #expect(committed == UInt64(data.count))
        await resumed.bye()
        #expect(second.terminate() == 0, "SIGTERM drains and exits 0")

        let stored = try Data(contentsOf: URL(fileURLWithPath: dataDirectory + "/uploads/complete/crashy/42"))
        #expect(Array(stored) == data)
        let catalog = try Catalog(path: dataDirectory + "/catalog.sqlite")
        #expect(try catalog.uploadCount() == 1)
        #expect(try catalog.runCount() == 2)
    }
}
