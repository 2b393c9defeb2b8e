import NIOCore
import NIOEmbedded
import Protocol
import SeededRandom
import Testing

/// The codec inside a real NIO pipeline: `ByteToMessageHandler(WireFrameDecoder())` inbound,
/// `MessageToByteHandler(WireFrameEncoder())` outbound.
@Suite struct ChannelPipelineTests {
    private static func makeChannel(configuration: CodecConfiguration = CodecConfiguration()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(WireFrameDecoder(configuration: configuration)),
            MessageToByteHandler(WireFrameEncoder(configuration: configuration)),
        ])
        return channel
    }

    @Test func framesWrittenOutboundAreReadBackInbound() throws {
        let channel = try Self.makeChannel()
        var factory = MessageFactory(seed: 2024)
        let frames = MessageType.allCases.flatMap { type in (0..<5).map { _ in factory.frame(type) } }

        var wire = ByteBuffer()
        for frame in frames {
            try channel.writeOutbound(frame)
            var bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
            wire.writeBuffer(&bytes)
        }
        // Deliver the bytes in arbitrary pieces, as TCP would.
        var rng = SeededGenerator(seed: 7)
        while wire.readableBytes > 0 {
            let piece = wire.readSlice(length: min(wire.readableBytes, Int.random(in: 1...300, using: &rng)))!
            try channel.writeInbound(piece)
        }
        var received: [WireFrame] = []
        while let frame = try channel.readInbound(as: WireFrame.self) { received.append(frame) }
        #expect(received == frames)
        #expect(try channel.finish().isClean)
    }

    @Test func aMalformedFrameSurfacesAsTheTypedErrorInThePipeline() throws {
        let channel = try Self.makeChannel()
        let valid = try encoded(WireFrame(requestID: 1, message: .ping(Heartbeat(nonce: 1, timestampNanoseconds: 2))))
        try channel.writeInbound(valid)
        #expect(try channel.readInbound(as: WireFrame.self)?.requestID == 1)

        #expect {
            try channel.writeInbound(rawFrame(type: 0x0D, declaredLength: .max, payload: []))
        } throws: { ($0 as? ProtocolError)?.code == .frameTooLarge }
        _ = try? channel.finish()
    }

    @Test func aStreamEndingMidFrameIsTruncatedAtEOF() throws {
        let channel = try Self.makeChannel()
        let whole = try encoded(WireFrame(message: .uploadEnd(UploadEnd(uploadID: 3))))
        try channel.writeInbound(whole.getSlice(at: 0, length: 15)!)
        #expect(try channel.readInbound(as: WireFrame.self) == nil)
        #expect {
            _ = try channel.finish()
        } throws: { ($0 as? ProtocolError)?.code == .truncated }
    }

    @Test("fuzzed inputs give the same outcome through the pipeline as through direct decoding")
    func fuzzedInputsAgreeWithDirectDecoding() throws {
        let corpus = try DecoderFuzzTests.corpus(seed: 77)
        var rng = SeededGenerator(seed: 0x9199)
        for _ in 0..<300 {
            var bytes = corpus.randomElement(using: &rng)!
            DecoderFuzzTests.mutate(&bytes, corpus: corpus, using: &rng)
            let input = ByteBuffer(bytes: bytes)

            let channel = try Self.makeChannel(configuration: DecoderFuzzTests.configuration)
            var pipelineError: ProtocolError?
            do {
                try channel.writeInbound(input)
                _ = try channel.finish()
            } catch let error as ProtocolError {
                pipelineError = error
            }
            var received: [WireFrame] = []
            while let frame = try? channel.readInbound(as: WireFrame.self) { received.append(frame) }

            switch decodeStream(input, configuration: DecoderFuzzTests.configuration) {
            case .frames(let frames):
                #expect(pipelineError == nil)
                #expect(received == frames)
            case .failed(let error):
                #expect(pipelineError?.code == error.code)
            }
        }
    }
}
