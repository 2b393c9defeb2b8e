import Foundation
import NIOCore
import Protocol
import Testing

@testable import EdgeServer

/// A binary client that stops reading must not make the daemon queue FRAMEs for it without end.
@Suite("Slow readers: cut off with an ERROR, memory bounded")
struct SlowReaderTests {
    /// The process's resident set in bytes (Linux `/proc/self/status`).
    static func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kilobytes * 1024
    }

    @Test("FRAMEs to a client that never reads: the queue stops at the limit, the client gets ERROR slow_consumer and BYE")
    func slowReaderIsCutOff() async throws {
        let limit = 1 << 20
        let daemon = try await TestDaemon.start { $0.limits.sessionOutboundBytes = limit }
        let client = try await RawTCPClient.connect(port: daemon.binaryPort, reading: false, receiveBuffer: 16 << 10)
        try await client.send([.hello(Hello(role: .user, clientID: "user-slow", token: TestDaemon.token))])
        var session: Session?
        for _ in 0..<500 where session?.snapshot.connection == nil {
            session = daemon.server.sessions.session(clientID: "user-slow")
            try await Task.sleep(for: .milliseconds(10))
        }
        let attached = try #require(session)
        let link = try #require(attached.snapshot.connection as? ConnectionLink)

        // 160×120 RGB FRAMEs, as the slot loop sends them, far more than any socket buffer holds.
        let pixels = ByteBuffer(repeating: 0x5a, count: 160 * 120 * 3)
        let frame = Message.frame(RenderedFrame(slot: 0, image: EncodedImage(width: 160, height: 120, encoding: .rgb8, bytes: pixels)))
        let frameBytes = WireFrame.headerLength + frame.payloadSizeEstimate
        let residentBefore = try Self.residentBytes()
        for _ in 0..<2000 { attached.send(frame) }
        let residentGrowth = try Self.residentBytes() - residentBefore

        #expect(link.peakOutboundBytes <= limit + frameBytes, "queued \(link.peakOutboundBytes) bytes for a client that reads nothing")
        #expect(residentGrowth < 64 << 20, "resident memory grew by \(residentGrowth) bytes for \(2000 * frameBytes) bytes offered")

        try await client.startReading()
        #expect(await client.closedByServer(within: .seconds(10)))
        let received = try client.frames().map(\.message)
        guard case .error(let error)? = received.dropLast().last, case .bye? = received.last else {
            Issue.record("the connection did not end with ERROR + BYE: \(received.suffix(2).map(\.type))")
            return
        }
        #expect(error.code == .slowConsumer)
        let delivered = received.filter { $0.type == .frame }.count
        #expect(delivered < 2000, "FRAMEs past the cut-off must be dropped, not queued (\(delivered) delivered)")
        #expect(daemon.server.sessions.session(clientID: "user-slow") != nil, "the session stays resumable")
        await client.close()
        try await daemon.stop()
    }
}
