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
