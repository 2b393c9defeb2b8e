/// The header's type byte: which message a frame's payload holds.
public enum MessageType: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// Client → server: opens a session (role, identity, token, version range).
    case hello = 0x01
    /// Server → client: accepts a session (chosen version, session parameters, limits).
    case welcome = 0x02
    /// Client → server: the client's pose in a slot, optionally with planned future poses.
    case pose = 0x03
    /// Client → server: the client's channel estimate in a slot.
    case channelReport = 0x04
    /// Server → client: the decision, power and deadline for a slot or stage.
    case schedule = 0x05
    /// Server → client: a rendered frame.
    case frame = 0x06
    /// Client → server: a captured image (MR frame, pilot or dataset item) with its pose.
    case image = 0x07
    /// Client → server: announces a resumable, digest-checked upload.
    case uploadBegin = 0x08
    /// Client → server: bytes of an upload at an offset.
    case uploadChunk = 0x09
    /// Client → server: asks the server to verify and commit an upload.
    case uploadEnd = 0x0A
    /// Either direction: a request succeeded (with a value such as a durable offset).
    case ack = 0x0B
    /// Either direction: a request or frame failed; carries a ``ProtocolError``.
    case error = 0x0C
    /// Either direction: liveness probe.
    case ping = 0x0D
    /// Either direction: answer to `PING`.
    case pong = 0x0E
    /// Either direction: the sender is closing the connection.
    case bye = 0x0F

    /// The upper-case name used in the documentation (`HELLO`, `UPLOAD_CHUNK`, …).
    public var description: String {
        switch self {
        case .hello: "HELLO"
        case .welcome: "WELCOME"
        case .pose: "POSE"
        case .channelReport: "CHANNEL_REPORT"
        case .schedule: "SCHEDULE"
        case .frame: "FRAME"
        case .image: "IMAGE"
        case .uploadBegin: "UPLOAD_BEGIN"
        case .uploadChunk: "UPLOAD_CHUNK"
        case .uploadEnd: "UPLOAD_END"
        case .ack: "ACK"
        case .error: "ERROR"
        case .ping: "PING"
        case .pong: "PONG"
        case .bye: "BYE"
        }
    }
}
