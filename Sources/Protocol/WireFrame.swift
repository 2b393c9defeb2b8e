/// One frame of the binary TCP transport: a 12-byte header and a message payload.
///
/// Header, network byte order:
/// `u16 magic 0x4753 | u8 version | u8 type | u32 payload length | u32 request id`.
public struct WireFrame: Hashable, Sendable {
    /// The first two bytes of every frame ("GS").
    public static let magic: UInt16 = 0x4753
    /// Bytes in the header.
    public static let headerLength = 12

    /// The protocol version the payload is laid out in.
    public var version: UInt8
    /// Chosen by the sender of a request and echoed by the response (`WELCOME`, `ACK`,
    /// `ERROR`, `PONG`); 0 for messages that expect no answer.
    public var requestID: UInt32
    /// The message.
    public var message: Message

    /// A frame carrying `message`.
    public init(version: UInt8 = ProtocolVersion.implemented.upperBound, requestID: UInt32 = 0, message: Message) {
        self.version = version
        self.requestID = requestID
        self.message = message
    }
}

/// Limits shared by ``WireFrameDecoder`` and ``WireFrameEncoder``.
public struct CodecConfiguration: Hashable, Sendable {
    /// The default largest payload: 16 MiB.
    public static let defaultMaxPayloadLength = 16 * 1024 * 1024

    /// The largest payload accepted or produced, in bytes. The decoder checks a frame's length
    /// field against it before it waits for, reads or allocates anything of the payload.
    public var maxPayloadLength: Int
    /// The header versions accepted or produced; a subset of ``ProtocolVersion/implemented``.
    /// After negotiation a session may narrow it to the chosen version.
    public var acceptedVersions: ClosedRange<UInt8>

    /// A configuration; `maxPayloadLength` must lie in `0...UInt32.max` and
    /// `acceptedVersions` within ``ProtocolVersion/implemented``.
    public init(
        maxPayloadLength: Int = defaultMaxPayloadLength,
        acceptedVersions: ClosedRange<UInt8> = ProtocolVersion.implemented
    ) {
        precondition((0...Int(UInt32.max)).contains(maxPayloadLength), "maxPayloadLength must fit in a u32")
        precondition(
            ProtocolVersion.implemented.contains(acceptedVersions.lowerBound)
                && ProtocolVersion.implemented.contains(acceptedVersions.upperBound),
            "acceptedVersions must be implemented by this build")
        self.maxPayloadLength = maxPayloadLength
        self.acceptedVersions = acceptedVersions
    }
}
