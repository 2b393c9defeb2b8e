import NIOCore
import NIOPosix
import Protocol
import SplatClient
import Testing

/// `SplatHTTPClient` on libnghttp2 against the daemon: many streams past the server's
/// concurrency limit, a body larger than a flow-control window, an event stream the caller
/// abandons, and a connection that goes away under requests in flight.
@Suite("SplatHTTPClient on libnghttp2")
struct SplatHTTPClientTests {
    @Test("1,000 requests at once on one connection (the server allows 256 streams): every one is answered")
    func requestsPastTheConcurrencyLimitQueueAndComplete() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<1_000 { group.addTask { try await client.request(.GET, "/healthz").status } }
            return try await group.reduce(into: [Int: Int]()) { counts, status in counts[status, default: 0] += 1 }
        }
        #expect(statuses == [200: 1_000])
        await client.close()
        try await daemon.stop()
    }

    @Test("an upload chunk of 1 MiB (16 initial stream windows) arrives whole, digest checked by the server")
    func bodyLargerThanTheFlowControlWindow() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        let data = testBytes(count: 1 << 20, seed: 7)
        let committed = try await client.upload(clientID: "big-body", uploadID: 1, data: data, chunkSize: 1 << 20)
        #expect(committed == UInt64(data.count))
        await client.close()
        try await daemon.stop()
    }

    @Test("a request on a closed connection fails with .closed instead of waiting")
    func requestAfterCloseFails() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        #expect(try await client.request(.GET, "/healthz").status == 200)
        await client.close()
        await #expect(throws: SplatClientError.closed) { try await client.request(.GET, "/healthz") }
        try await daemon.stop()
    }

    @Test("the daemon's shutdown ends an open event stream, and the follower returns")
    func eventStreamEndsWithTheServer() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        _ = try await client.hello(Hello(role: .robot, clientID: "follower", token: TestDaemon.token))
        let follower = Task { try await client.followEvents(clientID: "follower") { _ in } }
        try await Task.sleep(for: .milliseconds(200))
        try await daemon.stop()
        let outcome = await follower.result
        switch outcome {
        case .success: break
        case .failure(let error): #expect(error as? SplatClientError == .closed)
        }
        await client.close()
    }
}
