import NIOCore
import Protocol
import Testing

/// How a byte stream fared in the decoder.
enum DecodeOutcome {
    case frames([WireFrame])
    case failed(ProtocolError)
}

/// Runs `decoder` over a complete byte stream, as a socket that then reached EOF would.
///
/// Every error must be a ``ProtocolError``; anything else is recorded as a test issue.
func decodeStream(
    _ bytes: ByteBuffer, configuration: CodecConfiguration = CodecConfiguration(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> DecodeOutcome {
    var decoder = WireFrameDecoder(configuration: configuration)
    var buffer = bytes
    var frames: [WireFrame] = []
    do {
        // Every successful step consumes at least a header, so this loop ends.
        while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
            frames.append(frame)
        }
        return .frames(frames)
    } catch let error as ProtocolError {
        return .failed(error)
    } catch {
        Issue.record("decoder raised a non-protocol error: \(error)", sourceLocation: sourceLocation)
        return .failed(ProtocolError(.internalError, "\(error)"))
    }
}

/// The encoding of `frame`, which must be encodable.
func encoded(_ frame: WireFrame, configuration: CodecConfiguration = CodecConfiguration()) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    try buffer.writeWireFrame(frame, configuration: configuration)
    return buffer
}

/// A frame assembled by hand: any header fields, any payload bytes.
func rawFrame(
    magic: UInt16 = WireFrame.magic, version: UInt8 = 1, type: UInt8, requestID: UInt32 = 7,
    declaredLength: UInt32? = nil, payload: [UInt8]
) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(magic)
    buffer.writeInteger(version)
    buffer.writeInteger(type)
    buffer.writeInteger(declaredLength ?? UInt32(payload.count))
    buffer.writeInteger(requestID)
    buffer.writeBytes(payload)
    return buffer
}

/// Big-endian payload bytes built field by field, for hand-made frames.
struct PayloadBytes {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { append(value) }
    mutating func u32(_ value: UInt32) { append(value) }
    mutating func u64(_ value: UInt64) { append(value) }
    mutating func f64(_ value: Double) { append(value.bitPattern) }
    mutating func string(_ utf8: [UInt8]) {
        u16(UInt16(utf8.count))
        bytes += utf8
    }
    mutating func string(_ value: String) { string(Array(value.utf8)) }
    mutating func pose(position: SIMD3<Double> = .zero, orientation: SIMD4<Double> = SIMD4(0, 0, 0, 1)) {
        for i in 0..<3 { f64(position[i]) }
        for i in 0..<4 { f64(orientation[i]) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }
}

/// Expects `bytes` to fail decoding with `code`.
func expectDecodeFailure(
    _ bytes: ByteBuffer, _ code: ProtocolError.Code, configuration: CodecConfiguration = CodecConfiguration(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    switch decodeStream(bytes, configuration: configuration, sourceLocation: sourceLocation) {
    case .frames(let frames):
        Issue.record("expected \(code), decoded \(frames.count) frame(s)", sourceLocation: sourceLocation)
    case .failed(let error):
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}

/// Expects the encoder to refuse `message` with `code`, writing nothing.
func expectEncodeFailure(
    _ message: Message, _ code: ProtocolError.Code, sourceLocation: SourceLocation = #_sourceLocation
) {
    var buffer = ByteBuffer()
    #expect(sourceLocation: sourceLocation) {
        try buffer.writeWireFrame(WireFrame(message: message))
    } throws: { error in
        (error as? ProtocolError)?.code == code
    }
    #expect(buffer.readableBytes == 0, "a refused frame left bytes behind", sourceLocation: sourceLocation)
}
