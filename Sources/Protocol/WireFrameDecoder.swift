import NIOCore

/// Decodes ``WireFrame``s from a byte stream, validating every header and payload.
///
/// A `NIOSingleStepByteToMessageDecoder`, so the same value serves a channel pipeline
/// (`ByteToMessageHandler(WireFrameDecoder())`), a `NIOSingleStepByteToMessageProcessor` over a
/// file, or a test calling ``decode(buffer:)`` directly.
///
/// Header faults (`bad_magic`, `unsupported_version`, `unknown_type`, `frame_too_large`) leave
/// the buffer untouched: the stream cannot be trusted past them. A payload fault consumes the
/// frame before it is raised, so the reader stays on a frame boundary.
public struct WireFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = WireFrame

    /// The limits this decoder enforces.
    public var configuration: CodecConfiguration

    /// A decoder enforcing `configuration`.
    public init(configuration: CodecConfiguration = CodecConfiguration()) {
        self.configuration = configuration
    }

    /// The next frame, or `nil` until the buffer holds all of it. Errors are ``ProtocolError``s.
    public mutating func decode(buffer: inout ByteBuffer) throws -> WireFrame? {
        try decodeFrame(from: &buffer)
    }

    /// As ``decode(buffer:)``; at end of stream, bytes that do not complete a frame raise
    /// `truncated`.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> WireFrame? {
        if let frame = try decodeFrame(from: &buffer) { return frame }
        if seenEOF, buffer.readableBytes > 0 {
            throw ProtocolError(
                .truncated, "stream ended inside a frame: \(buffer.readableBytes) bytes of an incomplete frame")
        }
        return nil
    }

    /// The typed-throwing core of ``decode(buffer:)``.
    public func decodeFrame(from buffer: inout ByteBuffer) throws(ProtocolError) -> WireFrame? {
        guard let header = try readHeader(buffer) else { return nil }
        let frameLength = WireFrame.headerLength + header.payloadLength
        guard buffer.readableBytes >= frameLength else { return nil }
        // Cannot fail: the whole frame's bytes were counted just above.
        let payload = buffer.getSlice(at: buffer.readerIndex + WireFrame.headerLength, length: header.payloadLength)!
        buffer.moveReaderIndex(forwardBy: frameLength)
        let message = try Message(type: header.type, payload: payload)
        return WireFrame(version: header.version, requestID: header.requestID, message: message)
    }

    private struct Header {
        var version: UInt8
        var type: MessageType
        var payloadLength: Int
        var requestID: UInt32
    }

    /// The validated header at the reader index, or `nil` while fewer than 12 bytes are there.
    private func readHeader(_ buffer: ByteBuffer) throws(ProtocolError) -> Header? {
        guard buffer.readableBytes >= WireFrame.headerLength else { return nil }
        let (magic, version, rawType, length, requestID) = buffer.withUnsafeReadableBytes { bytes in
            (
                UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self)), bytes[2], bytes[3],
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            )
        }
        guard magic == WireFrame.magic else {
            throw ProtocolError(.badMagic, "frame starts with 0x\(String(magic, radix: 16)), not 0x4753")
        }
        guard configuration.acceptedVersions.contains(version) else {
            throw ProtocolError(
                .unsupportedVersion,
                "frame version \(version), accepted \(configuration.acceptedVersions.lowerBound)"
                    + "...\(configuration.acceptedVersions.upperBound)")
        }
        guard let type = MessageType(rawValue: rawType) else {
            throw ProtocolError(.unknownType, "frame type 0x\(String(rawType, radix: 16)) is not a message type")
        }
        guard Int(length) <= configuration.maxPayloadLength else {
            throw ProtocolError(
                .frameTooLarge, "\(type) payload of \(length) bytes exceeds the maximum \(configuration.maxPayloadLength)")
        }
        return Header(version: version, type: type, payloadLength: Int(length), requestID: requestID)
    }
}
