import NIOCore
import NIOEmbedded
import Protocol
import Testing

@testable import EdgeServer

/// Counts the `read()` requests that reach the socket end of the pipeline.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite("Per-connection inflight bytes")
struct InflightLimiterTests {
    @Test("reading stops while unprocessed bytes exceed the limit and resumes when they are released")
    func backPressure() throws {
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        let limiter = InflightLimiter(limit: 200)
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(limiter)
        let frame = WireFrame(message: .pose(PoseReport(slot: 0, timestampNanoseconds: 0, pose: .identity)))
        let frameSize = WireFrame.headerLength + frame.message.payloadSizeEstimate

        channel.read()
        #expect(counter.reads == 1)
        for _ in 0..<3 { try channel.writeInbound(frame) }  // 3 × 76 bytes > 200
        channel.read()
        #expect(counter.reads == 1, "the read is held")
        limiter.release(frameSize, on: channel.eventLoop)  // 152 bytes left, under the limit
        channel.embeddedEventLoop.run()
        #expect(counter.reads == 2, "the held read resumes once below the limit")
        _ = try channel.finish()
    }
}
