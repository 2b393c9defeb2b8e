import NIOCore
import Synchronization

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

    /// While not lifted, a lower payload limit than ``configuration``'s (see ``HandshakeLimit``).
    public let handshakeLimit: HandshakeLimit?

    /// A decoder enforcing `configuration`, and `handshakeLimit` until it is lifted.
    public init(configuration: CodecConfiguration = CodecConfiguration(), handshakeLimit: HandshakeLimit? = nil) {
        self.configuration = configuration
        self.handshakeLimit = handshakeLimit
    }

    /// The payload limit in force now.
    public var maxPayloadLength: Int {
        guard let handshakeLimit, !handshakeLimit.isLifted else { return configuration.maxPayloadLength }
        return min(configuration.maxPayloadLength, handshakeLimit.maxPayloadLength)
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
            // A complete header (validated by decodeFrame above) names the frame's request id.
            let requestID =
                buffer.readableBytes >= WireFrame.headerLength
                ? buffer.getInteger(at: buffer.readerIndex + 8, as: UInt32.self) : nil
            throw ProtocolError(
                .truncated, "stream ended inside a frame: \(buffer.readableBytes) bytes of an incomplete frame",
                requestID: requestID)
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
        do {
            let message = try Message(type: header.type, payload: payload)
            return WireFrame(version: header.version, requestID: header.requestID, message: message)
        } catch {
            throw error.at(requestID: header.requestID)
        }
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
        // Past the magic the header is readable, so every error names the frame's request id.
        guard configuration.acceptedVersions.contains(version) else {
            throw ProtocolError(
                .unsupportedVersion,
                "frame version \(version), accepted \(configuration.acceptedVersions.lowerBound)"
                    + "...\(configuration.acceptedVersions.upperBound)", requestID: requestID)
        }
        guard let type = MessageType(rawValue: rawType) else {
            throw ProtocolError(
                .unknownType, "frame type 0x\(String(rawType, radix: 16)) is not a message type", requestID: requestID)
        }
        let limit = maxPayloadLength
        guard Int(length) <= limit else {
            throw ProtocolError(
                .frameTooLarge, "\(type) payload of \(length) bytes exceeds the maximum \(limit)", requestID: requestID)
        }
        return Header(version: version, type: type, payloadLength: Int(length), requestID: requestID)
    }
}

/// A payload limit for a connection's first frames, lifted once the peer has authenticated.
///
/// A server must not buffer a large frame for a peer it does not know yet: until its HELLO is
/// accepted, nothing but a HELLO is valid, and no HELLO exceeds ``Hello/maxPayloadLength``. The
/// connection lifts the limit after WELCOME; the decoder (on the event loop) reads it per frame.
public final class HandshakeLimit: Sendable {
    /// The payload limit before ``lift()``.
    public let maxPayloadLength: Int
    private let lifted = Atomic(false)

    /// A limit of `maxPayloadLength` bytes (HELLO's maximum by default).
    public init(maxPayloadLength: Int = Hello.maxPayloadLength) {
        self.maxPayloadLength = maxPayloadLength
    }

    /// Whether the connection has authenticated.
    public var isLifted: Bool { lifted.load(ordering: .acquiring) }

    /// From now on the decoder's configured maximum applies.
    public func lift() { lifted.store(true, ordering: .releasing) }
}

extension ProtocolError {
    /// The error tagged with the request id of the frame it arose in.
    func at(requestID: UInt32) -> ProtocolError {
        var tagged = self
        tagged.requestID = requestID
        return tagged
    }
}
