import Foundation
import NIOCore
import NIOHTTP1
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

/// Drives a running daemon (slot loop included) with seeded frames over both transports while
/// a healthy session keeps streaming, and checks that nothing made it exit or stall.
///
/// `SPLATEDGE_FUZZ_FRAMES` sets the number of frames (CI: 100,000; `make fuzz`: 1,000,000).
@Suite("Network fuzzing")
struct NetworkFuzzTests {
    static let frames = ProcessInfo.processInfo.environment["SPLATEDGE_FUZZ_FRAMES"].flatMap(Int.init) ?? 100_000

    @Test("seeded frames from the full legal range, and corrupted ones, over TCP and HTTP/2: the daemon answers and a healthy session never stalls")
    func fuzz() async throws {
        let daemon = try await TestDaemon.start(withSlotLoop: true)
        let (healthy, _) = try await daemon.session("healthy-robot")
        let healthyTask = Task { () -> (pings: Int, failures: Int) in
            var pings = 0, failures = 0
            while !Task.isCancelled {
                do {
                    try await healthy.send(.pose(PoseReport(slot: UInt64(pings), timestampNanoseconds: 1, pose: .identity)))
                    _ = try await healthy.ping()
                    pings += 1
                } catch {
                    failures += 1
                    break
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return (pings, failures)
        }
        let httpShare = Self.frames / 10
        async let binaryA = Self.fuzzBinary(daemon, worker: 0, frames: (Self.frames - httpShare) / 2)
        async let binaryB = Self.fuzzBinary(daemon, worker: 1, frames: (Self.frames - httpShare) / 2)
        async let http = Self.fuzzHTTP(daemon, requests: httpShare)
        let sent = try await binaryA + binaryB + http
        healthyTask.cancel()
        let (pings, failures) = await healthyTask.value
        #expect(sent >= Self.frames - 2)
        #expect(failures == 0)
        #expect(pings > 0)
        // Still serving on both transports.
        _ = try await healthy.ping()
        let check = try await daemon.http()
        #expect(try await check.request(.GET, "/healthz").status == 200)
        await check.close()
        await healthy.close()
        try await daemon.stop()
    }

    /// Streams `frames` fuzzed frames over binary connections; a connection the daemon closes
    /// after an illegal frame is replaced by a new session. Returns the frames sent.
    private static func fuzzBinary(_ daemon: TestDaemon, worker: Int, frames: Int) async throws -> Int {
        var fuzzer = WireFuzzer(seed: 0x5EED_0000 + UInt64(worker))
        var sent = 0
        var requestID: UInt32 = 1
        while sent < frames {
            let role: ClientRole = sent % 2 == 0 ? .robot : .user
            let (connection, _) = try await daemon.session("fuzz-\(worker)-\(role)", role: role)
            var open = true
            while open, sent < frames {
                var batch: [UInt8] = []
                for _ in 0..<min(64, frames - sent) {
                    requestID &+= 1
                    let (bytes, legal) = fuzzer.frame(requestID: requestID)
                    batch += bytes
                    sent += 1
                    if !legal {
                        open = false
                        break
                    }
                }
                try await connection.sendRaw(batch)
            }
            if !open {
                // An illegal frame: the daemon answers ERROR and closes.
                let closed = await withTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        await connection.waitUntilClosed(); return true
                    }
                    group.addTask {
                        try? await Task.sleep(for: .seconds(10)); return false
                    }
                    let first = await group.next()!
                    group.cancelAll()
                    return first
                }
                #expect(closed, "the daemon kept a connection open after an illegal frame")
            }
            await connection.close()
        }
        return sent
    }

    /// Sends `requests` fuzzed session messages and upload requests over HTTP/2.
    private static func fuzzHTTP(_ daemon: TestDaemon, requests: Int) async throws -> Int {
        var fuzzer = WireFuzzer(seed: 0x5EED_1000)
        let client = try await daemon.http()
        _ = try await client.hello(Hello(role: .user, clientID: "fuzz-h2", token: TestDaemon.token))
        var sent = 0
        while sent < requests {
            let response: SplatHTTPClient.Response
            switch sent % 4 {
            case 0:
                let offset = String(fuzzer.integer())
                response = try await client.request(
                    .PATCH, "/v1/uploads/fuzz-h2/\(fuzzer.integer() % 4)", headers: ["upload-offset": offset], body: [1, 2, 3])
            case 1:
                response = try await client.request(
                    .POST, "/v1/uploads/fuzz-h2/\(fuzzer.integer() % 4)",
                    headers: ["upload-length": String(fuzzer.integer()), "upload-sha256": String(repeating: "0f", count: 32)])
            default:
                let message = fuzzer.message()
                var payload = ByteBuffer()
                try message.writePayload(to: &payload)
                var bytes = Array(payload.readableBytesView)
                if sent % 8 == 2, !bytes.isEmpty { bytes[bytes.count / 2] ^= 0x5a }
                response = try await client.request(
                    .POST, "/v1/sessions/fuzz-h2/messages", headers: ["splatedge-type": message.type.description], body: bytes)
            }
            #expect(response.status < 500, "HTTP \(response.status): \(response.text.prefix(80))")
            sent += 1
        }
        await client.close()
        return sent
    }
}
