import NIOCore
import Protocol
import Testing

/// One test per payload fault, each checked on the decoder and, where a Swift value can hold
/// the fault, on the encoder too.
@Suite struct PayloadValidationTests {
    /// A valid HELLO payload with the given client id bytes and capability list.
    private static func hello(
        versions: (UInt8, UInt8) = (1, 1), role: UInt8 = 1, clientID: [UInt8] = Array("robot-1".utf8),
        token: [UInt8] = Array("secret".utf8), capabilities: [String] = ["png"]
    ) -> ByteBuffer {
        var payload = PayloadBytes()
        payload.u8(versions.0)
        payload.u8(versions.1)
        payload.u8(role)
        payload.string(clientID)
        payload.string(token)
        payload.u16(UInt16(capabilities.count))
        for capability in capabilities { payload.string(capability) }
        return rawFrame(type: MessageType.hello.rawValue, payload: payload.bytes)
    }

    /// A SCHEDULE payload with the given power, decision byte and co-scheduled count/bytes.
    private static func schedule(power: Double = 0.01, decision: UInt8 = 1, stage: UInt8 = 0, duration: UInt32 = 100_000) -> ByteBuffer {
        var payload = PayloadBytes()
        payload.u64(5)
        payload.u8(stage)
        payload.u8(decision)
        payload.f64(power)
        payload.f64(2e6)
        payload.u32(80_000)
        payload.u32(duration)
        payload.u16(0)
        return rawFrame(type: MessageType.schedule.rawValue, payload: payload.bytes)
    }

    /// A POSE payload.
    private static func pose(
        position: SIMD3<Double> = SIMD3(1, 2, 3), orientation: SIMD4<Double> = SIMD4(0, 0, 0, 1),
        oracle: (UInt8, Double)? = nil, plannedCount: UInt16 = 0, plannedPoses: Int = 0, extraBytes: Int = 0
    ) -> ByteBuffer {
        var payload = PayloadBytes()
        payload.u64(10)
        payload.u64(123)
        payload.pose(position: position, orientation: orientation)
        if let (flag, loss) = oracle {
            payload.u8(flag)
            payload.f64(loss)
        } else {
            payload.u8(0)
        }
        payload.u16(plannedCount)
        for _ in 0..<plannedPoses { payload.pose() }
        payload.bytes += [UInt8](repeating: 0, count: extraBytes)
        return rawFrame(type: MessageType.pose.rawValue, payload: payload.bytes)
    }

    /// A FRAME payload with an image of the given shape and byte count.
    private static func frame(width: UInt16, height: UInt16, encoding: UInt8 = 1, byteCount: Int, declaredBytes: UInt32? = nil) -> ByteBuffer {
        var payload = PayloadBytes()
        payload.u64(1)
        payload.u16(width)
        payload.u16(height)
        payload.u8(encoding)
        payload.u32(declaredBytes ?? UInt32(byteCount))
        payload.bytes += [UInt8](repeating: 0x80, count: byteCount)
        return rawFrame(type: MessageType.frame.rawValue, payload: payload.bytes)
    }

    @Test func handBuiltFramesAreValidBeforeTheyAreBroken() {
        for frame in [Self.hello(), Self.schedule(), Self.pose(), Self.frame(width: 2, height: 2, byteCount: 12)] {
            #expect(decodeStream(frame).frameCount == 1)
        }
    }

    @Test func truncatedPayloadsAreRejected() {
        // A fixed-size field cut short: PING needs 16 bytes.
        expectDecodeFailure(rawFrame(type: MessageType.ping.rawValue, payload: [UInt8](repeating: 0, count: 15)), .truncated)
        // A blob whose length runs past the payload.
        expectDecodeFailure(Self.frame(width: 2, height: 2, byteCount: 12, declaredBytes: 13), .truncated)
        // A string whose length runs past the payload.
        var payload = PayloadBytes()
        payload.u8(0)
        payload.u16(200)
        payload.bytes += Array("short".utf8)
        expectDecodeFailure(rawFrame(type: MessageType.bye.rawValue, payload: payload.bytes), .truncated)
        // An empty payload for a message with fields.
        expectDecodeFailure(rawFrame(type: MessageType.welcome.rawValue, payload: []), .truncated)
    }

    @Test func trailingBytesAreRejected() {
        expectDecodeFailure(rawFrame(type: MessageType.ping.rawValue, payload: [UInt8](repeating: 0, count: 17)), .trailingBytes)
        expectDecodeFailure(rawFrame(type: MessageType.uploadEnd.rawValue, payload: [UInt8](repeating: 0, count: 9)), .trailingBytes)
        // Planned-pose bytes beyond what the count declares.
        #expect(decodeStream(Self.pose(plannedCount: 2, plannedPoses: 2)).frameCount == 1)
        expectDecodeFailure(Self.pose(plannedCount: 1, plannedPoses: 1, extraBytes: 1), .trailingBytes)
    }

    @Test func countsThatDisagreeWithSizesAreRejected() {
        // 200 planned poses declared, none present.
        expectDecodeFailure(Self.pose(plannedCount: 200), .countMismatch)
        // 1000 antenna coefficients declared, one present.
        var payload = PayloadBytes()
        payload.u64(1)
        payload.f64(10)
        payload.f64(1e-6)
        payload.u16(1000)
        payload.f64(0.5)
        payload.f64(-0.5)
        expectDecodeFailure(rawFrame(type: MessageType.channelReport.rawValue, payload: payload.bytes), .countMismatch)
        // rgb8 dimensions that disagree with the pixel bytes, both ways.
        expectDecodeFailure(Self.frame(width: 4, height: 4, byteCount: 47), .countMismatch)
        expectDecodeFailure(Self.frame(width: 4, height: 4, byteCount: 49), .countMismatch)
        // PNG bytes are opaque: any count is fine.
        #expect(decodeStream(Self.frame(width: 4, height: 4, encoding: 2, byteCount: 49)).frameCount == 1)

        let image = EncodedImage(width: 4, height: 4, encoding: .rgb8, bytes: ByteBuffer(repeating: 0, count: 47))
        expectEncodeFailure(.frame(RenderedFrame(slot: 1, image: image)), .countMismatch)
        let begin = UploadBegin(uploadID: 1, totalSize: 10, sha256: [UInt8](repeating: 0, count: 31), kind: .dataset, name: "d")
        expectEncodeFailure(.uploadBegin(begin), .countMismatch)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteFloatsAreRejected(value: Double) {
        expectDecodeFailure(Self.pose(position: SIMD3(0, value, 0)), .nonFiniteValue)
        expectDecodeFailure(Self.pose(orientation: SIMD4(0, 0, value, 1)), .nonFiniteValue)
        expectDecodeFailure(Self.pose(oracle: (1, value)), .nonFiniteValue)
        expectDecodeFailure(Self.schedule(power: value), .nonFiniteValue)

        expectEncodeFailure(
            .pose(PoseReport(slot: 1, timestampNanoseconds: 1, pose: Pose(position: SIMD3(value, 0, 0), orientation: SIMD4(0, 0, 0, 1)))),
            .nonFiniteValue)
        expectEncodeFailure(.channelReport(ChannelReport(slot: 1, snrDecibels: value, gain: 1)), .nonFiniteValue)
        expectEncodeFailure(
            .channelReport(ChannelReport(slot: 1, snrDecibels: 3, gain: 1, coefficients: [ChannelCoefficient(real: 1, imaginary: value)])),
            .nonFiniteValue)
    }

    @Test(
        arguments: [
            [0xC3, 0x28],  // a two-byte lead followed by ASCII
            [0xC0, 0x80],  // overlong NUL
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate half
            [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0x80],  // lone continuation byte
            [0x61, 0xFF],  // 0xFF never occurs in UTF-8
            [0xF0, 0x90, 0x80],  // cut 4-byte sequence: repaired to one U+FFFD of the same length
        ] as [[UInt8]])
    func invalidUTF8IsRejected(bytes: [UInt8]) {
        expectDecodeFailure(Self.hello(clientID: bytes), .invalidUTF8)
        expectDecodeFailure(Self.hello(token: bytes), .invalidUTF8)
    }

    @Test func stringsOutsideTheirLimitsAreRejected() {
        expectDecodeFailure(Self.hello(clientID: []), .stringLength)
        expectDecodeFailure(Self.hello(clientID: [UInt8](repeating: 0x61, count: 65)), .stringLength)
        expectDecodeFailure(Self.hello(token: [UInt8](repeating: 0x61, count: 257)), .stringLength)
        expectDecodeFailure(Self.hello(capabilities: [String(repeating: "c", count: 33)]), .stringLength)
        #expect(decodeStream(Self.hello(clientID: [UInt8](repeating: 0x61, count: 64))).frameCount == 1)

        // Limits count UTF-8 bytes, not characters: 22 × "€" is 66 bytes.
        expectEncodeFailure(.hello(Hello(role: .robot, clientID: String(repeating: "€", count: 22), token: "")), .stringLength)
        expectEncodeFailure(.error(ProtocolError(.internalError, String(repeating: "x", count: 1025))), .stringLength)
        expectEncodeFailure(
            .uploadBegin(UploadBegin(uploadID: 1, totalSize: 1, sha256: [UInt8](repeating: 0, count: 32), kind: .scene, name: "")), .stringLength)
    }

    @Test func listsOverTheirMaximumAreRejected() {
        expectDecodeFailure(Self.hello(capabilities: (0..<33).map { "c\($0)" }), .tooManyElements)
        // The maximum is checked before the bytes: 1025 coefficients are refused outright.
        var payload = PayloadBytes()
        payload.u64(1)
        payload.f64(10)
        payload.f64(1e-6)
        payload.u16(1025)
        payload.bytes += [UInt8](repeating: 0, count: 1025 * 16)
        expectDecodeFailure(rawFrame(type: MessageType.channelReport.rawValue, payload: payload.bytes), .tooManyElements)

        let plan = [Pose](repeating: .identity, count: 257)
        expectEncodeFailure(.pose(PoseReport(slot: 0, timestampNanoseconds: 0, pose: .identity, plannedPoses: plan)), .tooManyElements)
    }

    @Test func valuesOutsideTheirDomainAreRejected() {
        expectDecodeFailure(Self.hello(role: 0), .invalidValue)
        expectDecodeFailure(Self.hello(role: 4), .invalidValue)
        expectDecodeFailure(Self.hello(versions: (2, 1)), .invalidValue)
        expectDecodeFailure(Self.hello(versions: (0, 1)), .invalidValue)
        expectDecodeFailure(Self.schedule(decision: 2), .invalidValue)
        expectDecodeFailure(Self.schedule(stage: 4), .invalidValue)
        expectDecodeFailure(Self.schedule(power: -1e-3), .invalidValue)
        expectDecodeFailure(Self.schedule(duration: 0), .invalidValue)
        expectDecodeFailure(Self.pose(orientation: .zero), .invalidValue)
        expectDecodeFailure(Self.pose(oracle: (2, 0.1)), .invalidValue)
        expectDecodeFailure(Self.pose(oracle: (1, -0.1)), .invalidValue)
        expectDecodeFailure(Self.frame(width: 0, height: 4, byteCount: 0), .invalidValue)
        expectDecodeFailure(Self.frame(width: 2, height: 2, encoding: 3, byteCount: 12), .invalidValue)

        var chunk = PayloadBytes()
        chunk.u64(1)
        chunk.u64(.max)
        chunk.u32(1)
        chunk.u8(0)
        expectDecodeFailure(rawFrame(type: MessageType.uploadChunk.rawValue, payload: chunk.bytes), .invalidValue)

        // −0 is a valid non-negative power; −tiny is not.
        #expect(decodeStream(Self.schedule(power: -0.0)).frameCount == 1)
        expectEncodeFailure(
            .schedule(
                Schedule(
                    slot: 1, decision: true, powerWatts: -.leastNonzeroMagnitude, expectedRateBitsPerSecond: 0, deadlineMicroseconds: 0,
                    stageDurationMicroseconds: 1)), .invalidValue)
        expectEncodeFailure(
            .welcome(
                Welcome(
                    version: 1, sessionID: 1, linkID: 1, channelSeed: 1, slotLengthMicroseconds: 0, currentSlot: 0, maxPayloadLength: 1,
                    maxChunkLength: 1, maxPlannedPoses: 0)), .invalidValue)
        expectEncodeFailure(.hello(Hello(minVersion: 3, maxVersion: 2, role: .user, clientID: "u", token: "")), .invalidValue)
    }

    @Test func aPayloadFaultLeavesTheReaderOnTheNextFrame() throws {
        var stream = Self.schedule(decision: 7)
        var next = try encoded(WireFrame(requestID: 9, message: .ping(Heartbeat(nonce: 1, timestampNanoseconds: 2))))
        stream.writeBuffer(&next)
        var decoder = WireFrameDecoder()
        #expect(throws: ProtocolError.self) { try decoder.decode(buffer: &stream) }
        #expect(try decoder.decode(buffer: &stream)?.requestID == 9)
    }

    @Test func errorMessagesAreClampedToTheWireLimitAtCharacterBoundaries() throws {
        let long = ProtocolError(.internalError, String(repeating: "€", count: 400))  // 1200 bytes
        let clamped = long.clampedForWire()
        #expect(clamped.message.utf8.count == 1023)  // 341 whole euro signs
        #expect(clamped.message == String(repeating: "€", count: 341))
        #expect(decodeStream(try encoded(WireFrame(message: .error(clamped)))).frameCount == 1)
    }
}
