import NIOCore
import Protocol
import Testing

@Suite struct RoundTripTests {
    static let casesPerType = 300

    @Test("every message type round-trips with seeded random fields", arguments: MessageType.allCases)
    func roundTrip(type: MessageType) throws {
        var factory = MessageFactory(seed: 0x5EED_0000 + UInt64(type.rawValue))
        for _ in 0..<Self.casesPerType {
            let frame = factory.frame(type)
            let bytes = try encoded(frame)

            // The header says what the payload is and how long it is.
            #expect(bytes.getInteger(at: 0, as: UInt16.self) == 0x4753)
            #expect(bytes.getInteger(at: 3, as: UInt8.self) == type.rawValue)
            #expect(Int(bytes.getInteger(at: 4, as: UInt32.self)!) == bytes.readableBytes - WireFrame.headerLength)

            guard case .frames(let decoded) = decodeStream(bytes) else {
                Issue.record("a valid \(type) frame failed to decode")
                return
            }
            #expect(decoded == [frame])
            #expect(try encoded(decoded[0]) == bytes, "re-encoding is not byte-identical")
        }
    }

    @Test("the payload codec alone round-trips (the HTTP/2 transport carries bare payloads)", arguments: MessageType.allCases)
    func payloadRoundTrip(type: MessageType) throws {
        var factory = MessageFactory(seed: 0xBA5E_0000 + UInt64(type.rawValue))
        for _ in 0..<Self.casesPerType {
            let message = factory.message(type)
            var payload = ByteBuffer()
            try message.writePayload(to: &payload)
            #expect(try Message(type: type, payload: payload) == message)
        }
    }

    @Test func framesSplitAcrossReadsDecodeInOrder() throws {
        var factory = MessageFactory(seed: 99)
        let frames = (0..<200).map { _ in factory.frame(MessageType.allCases.randomElement(using: &factory.rng)!) }
        var stream = ByteBuffer()
        for frame in frames { try stream.writeWireFrame(frame) }

        // Feed the stream in random pieces, as a socket delivers it.
        var decoder = WireFrameDecoder()
        var pending = ByteBuffer()
        var decoded: [WireFrame] = []
        while stream.readableBytes > 0 {
            var piece = stream.readSlice(length: min(stream.readableBytes, Int.random(in: 1...700, using: &factory.rng)))!
            pending.writeBuffer(&piece)
            while let frame = try decoder.decode(buffer: &pending) { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(pending.readableBytes == 0)
    }
}
