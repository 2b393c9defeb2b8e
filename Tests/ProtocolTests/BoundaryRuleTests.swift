import NIOCore
import Protocol
import Testing

/// The rules that keep every legal value usable downstream: the pose coordinate bound, exact
/// quaternion normalisation, request ids on codec errors, the handshake payload limit.
@Suite struct BoundaryRuleTests {
    private static func poseFrame(position: SIMD3<Double>, orientation: SIMD4<Double> = SIMD4(0, 0, 0, 1)) -> ByteBuffer {
        var payload = PayloadBytes()
        payload.u64(1)
        payload.u64(2)
        payload.pose(position: position, orientation: orientation)
        payload.u8(0)
        payload.u16(0)
        return rawFrame(type: MessageType.pose.rawValue, payload: payload.bytes)
    }

    @Test("coordinates up to ±100 km decode; one ulp beyond is invalid_value on both sides")
    func coordinateBound() {
        let limit = Pose.maxCoordinateMetres
        for inside in [limit, -limit, 0, -0.0, .leastNonzeroMagnitude] {
            #expect(decodeStream(Self.poseFrame(position: SIMD3(inside, 1, -inside))).frameCount == 1)
        }
        for outside in [limit.nextUp, -limit.nextUp, 1e17, -1e300, .greatestFiniteMagnitude] {
            for axis in 0..<3 {
                var position = SIMD3<Double>(1, 2, 3)
                position[axis] = outside
                expectDecodeFailure(Self.poseFrame(position: position), .invalidValue)
                expectEncodeFailure(
                    .pose(PoseReport(slot: 1, timestampNanoseconds: 2, pose: Pose(position: position, orientation: SIMD4(0, 0, 0, 1)))),
                    .invalidValue)
            }
        }
    }

    @Test(
        "every finite non-zero quaternion normalises to unit length, in the right direction",
        arguments: [
            SIMD4<Double>(1e-200, 0, 0, 1e-200), SIMD4(1e300, -1e300, 1e300, 1e300), SIMD4(.leastNonzeroMagnitude, 0, 0, 0),
            SIMD4(.greatestFiniteMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .greatestFiniteMagnitude),
            SIMD4(0, 0, 0, 2), SIMD4(3, 4, 0, 0),
        ] as [SIMD4<Double>])
    func unitQuaternion(raw: SIMD4<Double>) {
        let unit = Pose(position: .zero, orientation: raw).unitOrientation
        #expect(abs((unit * unit).sum() - 1) < 1e-15)
        // Same direction: every component has the sign of the input's and the ratios are kept.
        let largest = (0..<4).max { raw[$0].magnitude < raw[$1].magnitude }!
        for i in 0..<4 {
            #expect(unit[i].sign == raw[i].sign || unit[i] == 0)
            #expect(abs(unit[i] / unit[largest] - raw[i] / raw[largest]) < 1e-12)
        }
    }

    @Test("codec errors name the request id of a readable header, 0 for a bad magic")
    func requestIDs() {
        func failure(_ bytes: ByteBuffer, configuration: CodecConfiguration = CodecConfiguration()) -> ProtocolError? {
            if case .failed(let error) = decodeStream(bytes, configuration: configuration) { return error }
            return nil
        }
        #expect(failure(rawFrame(type: 0x7f, requestID: 41, payload: []))?.requestID == 41)
        #expect(failure(rawFrame(version: 9, type: MessageType.ping.rawValue, requestID: 42, payload: []))?.requestID == 42)
        #expect(
            failure(
                rawFrame(type: MessageType.ping.rawValue, requestID: 43, declaredLength: 100, payload: []),
                configuration: CodecConfiguration(maxPayloadLength: 10))?.requestID == 43)
        #expect(failure(rawFrame(type: MessageType.ping.rawValue, requestID: 44, payload: [1]))?.requestID == 44)
        // A stream that ends inside the payload: the header was complete.
        #expect(failure(rawFrame(type: MessageType.ping.rawValue, requestID: 45, declaredLength: 16, payload: [1]))?.requestID == 45)
        #expect(failure(rawFrame(magic: 0x1234, type: MessageType.ping.rawValue, requestID: 46, payload: []))?.requestID == nil)
    }

    @Test("HELLO.maxPayloadLength is the size of the largest HELLO the encoder writes")
    func largestHello() throws {
        let hello = Hello(
            minVersion: 1, maxVersion: 255, role: .collector, clientID: String(repeating: "c", count: 64),
            token: String(repeating: "t", count: 256), capabilities: (0..<32).map { _ in String(repeating: "x", count: 32) })
        var buffer = ByteBuffer()
        try Message.hello(hello).writePayload(to: &buffer)
        #expect(buffer.readableBytes == Hello.maxPayloadLength)
    }

    @Test("the handshake limit holds until lifted, then the configured maximum applies")
    func handshakeLimit() throws {
        let limit = HandshakeLimit()
        var decoder = WireFrameDecoder(configuration: CodecConfiguration(maxPayloadLength: 1 << 20), handshakeLimit: limit)
        var big = rawFrame(type: MessageType.uploadChunk.rawValue, requestID: 9, declaredLength: UInt32(Hello.maxPayloadLength + 1), payload: [])
        #expect(throws: ProtocolError.self) { try decoder.decode(buffer: &big) }
        limit.lift()
        var waiting = rawFrame(type: MessageType.uploadChunk.rawValue, requestID: 9, declaredLength: UInt32(Hello.maxPayloadLength + 1), payload: [])
        // Accepted now: the decoder waits for the payload instead of refusing the header.
        #expect(try decoder.decode(buffer: &waiting) == nil)
    }
}
