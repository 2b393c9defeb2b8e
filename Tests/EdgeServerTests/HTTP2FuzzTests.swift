import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import EdgeServer

/// The nghttp2 server connection under hostile peers: every answer is RFC 9113's (GOAWAY with
/// the right error code, RST_STREAM, or carrying on), never a crash or unbounded growth.
@Suite("HTTP/2 on nghttp2 under malformed and abusive frames")
struct HTTP2FuzzTests {
    /// An ``NGHTTP2ConnectionHandler`` on an EmbeddedChannel (driven from one thread).
    final class Connection {
        let channel = EmbeddedChannel()
        let handler: NGHTTP2ConnectionHandler
        var received = H2Frames()

        init(router: HTTPRouter) throws {
            let admission = try #require(ConnectionGate(maxConnections: 4, maxUnauthenticated: 4).admit(channel, handshakeTimeout: .seconds(60)))
            handler = NGHTTP2ConnectionHandler(settings: .init()) {
                HTTPRequestHandler(router: router, maxBodyBytes: 64 * 1024, isHTTP2Stream: true, admission: admission)
            }
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try send(H2FrameFuzzer.opening)
        }

        /// One read of `bytes`, then what the server wrote.
        func send(_ bytes: [UInt8]) throws {
            guard channel.isActive else { return }
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            channel.pipeline.fireChannelReadComplete()
            while let out = try channel.readOutbound(as: ByteBuffer.self) { received.append(Array(out.readableBytesView)) }
        }

        /// Sends `next()` one read at a time until the connection closes or `limit` reads were
        /// sent; returns how many were.
        func flood(limit: Int, _ next: () -> [UInt8]) throws -> Int {
            var sent = 0
            while channel.isActive && sent < limit {
                try send(next())
                sent += 1
            }
            return sent
        }

        func close() { _ = try? channel.finish(acceptAlreadyClosed: true) }
    }

    private static func withRouter(_ body: (HTTPRouter) throws -> Void) async throws {
        let daemon = try await TestDaemon.start()
        try body(daemon.router())
        try await daemon.stop()
    }

    /// One connection on a fresh router, closed after `body`.
    private static func withConnection(_ body: (Connection) throws -> Void) async throws {
        try await withRouter { router in
            let connection = try Connection(router: router)
            try body(connection)
            connection.close()
        }
    }

    /// Resident memory of this process (Linux `/proc/self/statm`), in bytes.
    private static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        return (Int(statm.split(separator: " ")[1]) ?? 0) * 4096
    }

    @Test("100,000 seeded frames (requests, malformed frames, HPACK bombs, resets, window abuse): no crash, bounded streams and memory")
    func fuzz() async throws {
        try await Self.withRouter { router in
            var frames = 0
            var connections = 0
            var maxOpenStreams = 0
            var goAways = 0
            let residentBefore = Self.residentBytes()
            while frames < 100_000 {
                var fuzzer = H2FrameFuzzer(seed: 0x6832_F022 &+ UInt64(connections))
                let connection = try Connection(router: router)
                connections += 1
                for _ in 0..<400 where connection.channel.isActive {
                    try connection.send(fuzzer.next())
                    frames += 1
                    maxOpenStreams = max(maxOpenStreams, connection.handler.streams.count)
                }
                if connection.received.goAwayError != nil { goAways += 1 }
                connection.close()
                #expect(connection.handler.streams.isEmpty)
            }
            let growth = Self.residentBytes() - residentBefore
            print(
                "h2 fuzz: \(frames) frames, \(connections) connections, \(goAways) GOAWAYs, max open streams \(maxOpenStreams), RSS growth \(growth / 1024) KiB"
            )
            #expect(maxOpenStreams <= NGHTTP2ConnectionHandler.Settings().maxConcurrentStreams)
            #expect(goAways > 0)
            #expect(growth < 64 << 20)
        }
    }

    @Test("a SETTINGS flood against a connection that cannot write ends it (nghttp2 max outbound ACKs) instead of queueing ACKs")
    func settingsFlood() async throws {
        try await Self.withConnection { connection in
            connection.channel.isWritable = false
            connection.channel.pipeline.fireChannelWritabilityChanged()
            let sent = try connection.flood(limit: 10_000) { H2FrameFuzzer.settings([(0x3, 100)]) }
            #expect(!connection.channel.isActive)
            #expect(sent <= NGHTTP2ConnectionHandler.Limits.maxOutboundAcks + 1)
        }
    }

    @Test("rapid reset (CVE-2023-44487): streams opened and reset at once end the connection with GOAWAY once past the reset rate")
    func rapidReset() async throws {
        try await Self.withConnection { connection in
            var fuzzer = H2FrameFuzzer(seed: 7)
            let sent = try connection.flood(limit: 5_000) {
                #expect(connection.handler.streams.count <= 1)
                let (stream, headers) = fuzzer.unfinishedRequest(path: "/nope")
                return headers + H2FrameFuzzer.rstStream(stream)
            }
            // nghttp2 answers a breach of the RST_STREAM token bucket with INTERNAL_ERROR.
            #expect(connection.received.goAwayError == 0x2)
            #expect(sent > 900 && sent <= Int(NGHTTP2ConnectionHandler.Limits.resetBurst) + 50)
            #expect(!connection.channel.isActive)
        }
    }

    @Test("window abuse: a zero increment is a PROTOCOL_ERROR, a window past 2^31-1 a FLOW_CONTROL_ERROR (RFC 9113 §6.9)")
    func windowAbuse() async throws {
        try await Self.withRouter { router in
            // (increment, GOAWAY error code): PROTOCOL_ERROR, FLOW_CONTROL_ERROR.
            for (increment, code) in [(UInt32(0), UInt32(0x1)), (0x7fff_ffff, 0x3)] {
                let connection = try Connection(router: router)
                try connection.send(H2FrameFuzzer.windowUpdate(stream: 0, increment: increment))
                #expect(connection.received.goAwayError == code, "increment \(increment)")
                connection.close()
            }
        }
    }

    @Test("an HPACK bomb past SETTINGS_MAX_HEADER_LIST_SIZE resets its stream; the connection goes on serving")
    func hpackBomb() async throws {
        try await Self.withConnection { connection in
            var fuzzer = H2FrameFuzzer(seed: 11)
            try connection.send(fuzzer.hpackBomb())
            try connection.send(fuzzer.request(path: "/healthz"))
            let frames = connection.received.frames
            #expect(frames.contains { $0.type == H2FrameFuzzer.FrameType.rstStream.rawValue && $0.stream == 1 })
            // `:status: 200` is HPACK static entry 8 (RFC 7541 Appendix A).
            #expect(frames.contains { $0.type == H2FrameFuzzer.FrameType.headers.rawValue && $0.stream == 3 && $0.payload.first == 0x88 })
            #expect(connection.channel.isActive)
        }
    }
}
