import NIOCore
import Protocol
import Testing

/// One test per header fault, plus the configurable maximum on both sides.
@Suite struct HeaderValidationTests {
    private static let ping: [UInt8] = {
        var payload = PayloadBytes()
        payload.u64(42)
        payload.u64(1_700_000_000_000_000_000)
        return payload.bytes
    }()

    @Test func badMagicIsRejected() {
        expectDecodeFailure(rawFrame(magic: 0x4754, type: 0x0D, payload: Self.ping), .badMagic)
        // Someone speaking HTTP/1 to the binary port.
        expectDecodeFailure(ByteBuffer(string: "GET /healthz HTTP/1.1\r\n\r\n"), .badMagic)
    }

    @Test(arguments: [UInt8(0), 2, 0xFF])
    func unsupportedVersionIsRejected(version: UInt8) {
        expectDecodeFailure(rawFrame(version: version, type: 0x0D, payload: Self.ping), .unsupportedVersion)
    }

    @Test func encoderRefusesVersionsItCannotSpeak() {
        var buffer = ByteBuffer()
        #expect(throws: ProtocolError(.unsupportedVersion, "cannot encode a frame of version 2")) {
            try buffer.writeWireFrame(WireFrame(version: 2, message: .uploadEnd(UploadEnd(uploadID: 1))))
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [UInt8(0x00), 0x10, 0x7F, 0xFF])
    func unknownTypeIsRejected(type: UInt8) {
        expectDecodeFailure(rawFrame(type: type, payload: Self.ping), .unknownType)
    }

    @Test func oversizedLengthIsRejectedFromTheHeaderAlone() throws {
        // Only the 12 header bytes exist: the decoder must refuse now, not wait for 4 GiB.
        var decoder = WireFrameDecoder()
        var buffer = rawFrame(type: 0x09, declaredLength: .max, payload: [])
        #expect(throws: ProtocolError.self) { try decoder.decode(buffer: &buffer) }
        #expect(buffer.readableBytes == WireFrame.headerLength, "a header fault must not consume bytes")

        // Exactly the default maximum is acceptable (the decoder waits for the payload)…
        let limit = UInt32(CodecConfiguration.defaultMaxPayloadLength)
        var atLimit = rawFrame(type: 0x09, declaredLength: limit, payload: [])
        #expect(try decoder.decode(buffer: &atLimit) == nil)
        // …one byte more is not.
        expectDecodeFailure(rawFrame(type: 0x09, declaredLength: limit + 1, payload: []), .frameTooLarge)
    }

    @Test func maximumIsConfigurable() throws {
        let frame = rawFrame(type: 0x0D, payload: Self.ping)
        #expect(decodeStream(frame, configuration: CodecConfiguration(maxPayloadLength: 16)).frameCount == 1)
        expectDecodeFailure(frame, .frameTooLarge, configuration: CodecConfiguration(maxPayloadLength: 15))
    }

    @Test func encoderRefusesPayloadsOverItsMaximum() {
        let chunk = UploadChunk(uploadID: 1, offset: 0, data: ByteBuffer(repeating: 0xAB, count: 100))
        var buffer = ByteBuffer()
        #expect(throws: ProtocolError.self) {
            try buffer.writeWireFrame(
                WireFrame(message: .uploadChunk(chunk)), configuration: CodecConfiguration(maxPayloadLength: 64))
        }
        #expect(buffer.readableBytes == 0)
        #expect(throws: Never.self) {
            try buffer.writeWireFrame(
                WireFrame(message: .uploadChunk(chunk)), configuration: CodecConfiguration(maxPayloadLength: 120))
        }
    }

    @Test func streamEndingInsideAFrameIsTruncated() throws {
        let whole = rawFrame(type: 0x0D, payload: Self.ping)
        for cut in [1, 11, 12, 27] {
            let partial = whole.getSlice(at: 0, length: cut)!
            // Mid-stream the decoder waits for more bytes…
            var decoder = WireFrameDecoder()
            var buffer = partial
            #expect(try decoder.decode(buffer: &buffer) == nil)
            // …at end of stream the missing bytes are an error.
            expectDecodeFailure(partial, .truncated)
        }
    }

    @Test func headerFieldsAreBigEndian() throws {
        let bytes = try encoded(WireFrame(requestID: 0x0102_0304, message: .uploadEnd(UploadEnd(uploadID: 0x1122_3344_5566_7788))))
        #expect(
            Array(bytes.readableBytesView) == [
                0x47, 0x53, 0x01, 0x0A, 0x00, 0x00, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04,
                0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
            ])
    }
}

extension DecodeOutcome {
    /// The number of frames decoded, or `nil` after an error.
    var frameCount: Int? {
        if case .frames(let frames) = self { return frames.count }
        return nil
    }
}
