import NIOCore

/// Encodes ``WireFrame``s, refusing any frame the decoder would reject.
///
/// A `MessageToByteEncoder` for `MessageToByteHandler(WireFrameEncoder())`; outside a pipeline
/// use `ByteBuffer.writeWireFrame(_:configuration:)`.
public struct WireFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = WireFrame

    /// The limits this encoder enforces.
    public var configuration: CodecConfiguration

    /// An encoder enforcing `configuration`.
    public init(configuration: CodecConfiguration = CodecConfiguration()) {
        self.configuration = configuration
    }

    /// Appends `data` to `out`. Errors are ``ProtocolError``s.
    public func encode(data: WireFrame, out: inout ByteBuffer) throws {
        try out.writeWireFrame(data, configuration: configuration)
    }
}

extension ByteBuffer {
    /// Appends one complete frame (header and payload) and returns the bytes written.
    ///
    /// - Throws: ``ProtocolError`` when the frame's version is not accepted, the payload breaks a
    ///   field rule, or it exceeds `configuration.maxPayloadLength`; nothing is appended then.
    @discardableResult
    public mutating func writeWireFrame(
        _ frame: WireFrame, configuration: CodecConfiguration = CodecConfiguration()
    ) throws(ProtocolError) -> Int {
        guard configuration.acceptedVersions.contains(frame.version) else {
            throw ProtocolError(.unsupportedVersion, "cannot encode a frame of version \(frame.version)")
        }
        let start = writerIndex
        // The payload length (0 here) is patched below once known.
        writeMultipleIntegers(WireFrame.magic, frame.version, frame.message.type.rawValue, UInt32(0), frame.requestID)
        do {
            try frame.message.writePayload(to: &self)
        } catch {
            moveWriterIndex(to: start)
            throw error
        }
        let payloadLength = writerIndex - start - WireFrame.headerLength
        guard payloadLength <= configuration.maxPayloadLength else {
            moveWriterIndex(to: start)
            throw ProtocolError(
                .frameTooLarge,
                "\(frame.message.type) payload of \(payloadLength) bytes exceeds the maximum \(configuration.maxPayloadLength)")
        }
        setInteger(UInt32(payloadLength), at: start + 4)
        return writerIndex - start
    }
}
