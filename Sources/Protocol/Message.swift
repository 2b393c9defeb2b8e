import NIOCore

/// Every message of the splatedge protocol, one case per wire type.
///
/// The payload codec is also public on its own (``init(type:payload:)``,
/// ``writePayload(to:)``) so that transports other than the framed TCP stream, such as the
/// HTTP/2 routes, carry exactly the same bytes.
public enum Message: Hashable, Sendable {
    /// `HELLO`: the client opens a session.
    case hello(Hello)
    /// `WELCOME`: the server accepts it.
    case welcome(Welcome)
    /// `POSE`: the client's pose (and plan) in a slot.
    case pose(PoseReport)
    /// `CHANNEL_REPORT`: the client's channel estimate.
    case channelReport(ChannelReport)
    /// `SCHEDULE`: the server's decision for the client.
    case schedule(Schedule)
    /// `FRAME`: an edge-rendered frame.
    case frame(RenderedFrame)
    /// `IMAGE`: a captured image with its pose.
    case image(CapturedImage)
    /// `UPLOAD_BEGIN`: announce or resume an upload.
    case uploadBegin(UploadBegin)
    /// `UPLOAD_CHUNK`: upload bytes at an offset.
    case uploadChunk(UploadChunk)
    /// `UPLOAD_END`: verify and commit an upload.
    case uploadEnd(UploadEnd)
    /// `ACK`: a request succeeded.
    case ack(Ack)
    /// `ERROR`: a request or frame failed.
    case error(ProtocolError)
    /// `PING`: liveness probe.
    case ping(Heartbeat)
    /// `PONG`: answer to `PING`.
    case pong(Heartbeat)
    /// `BYE`: the sender closes the connection.
    case bye(Bye)

    /// The wire type of this message.
    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .pose: .pose
        case .channelReport: .channelReport
        case .schedule: .schedule
        case .frame: .frame
        case .image: .image
        case .uploadBegin: .uploadBegin
        case .uploadChunk: .uploadChunk
        case .uploadEnd: .uploadEnd
        case .ack: .ack
        case .error: .error
        case .ping: .ping
        case .pong: .pong
        case .bye: .bye
        }
    }

    /// Decodes and validates a complete payload of the given type.
    ///
    /// - Throws: ``ProtocolError`` (`truncated`, `trailing_bytes`, `count_mismatch`,
    ///   `non_finite_value`, `invalid_utf8`, `string_length`, `too_many_elements`,
    ///   `invalid_value`).
    public init(type: MessageType, payload: ByteBuffer) throws(ProtocolError) {
        self = try PayloadReader.read(payload, as: type) { reader throws(ProtocolError) in
            switch type {
            case .hello: .hello(try Hello(from: &reader))
            case .welcome: .welcome(try Welcome(from: &reader))
            case .pose: .pose(try PoseReport(from: &reader))
            case .channelReport: .channelReport(try ChannelReport(from: &reader))
            case .schedule: .schedule(try Schedule(from: &reader))
            case .frame: .frame(try RenderedFrame(from: &reader))
            case .image: .image(try CapturedImage(from: &reader))
            case .uploadBegin: .uploadBegin(try UploadBegin(from: &reader))
            case .uploadChunk: .uploadChunk(try UploadChunk(from: &reader))
            case .uploadEnd: .uploadEnd(try UploadEnd(from: &reader))
            case .ack: .ack(try Ack(from: &reader))
            case .error: .error(try ProtocolError(from: &reader))
            case .ping: .ping(try Heartbeat(from: &reader))
            case .pong: .pong(try Heartbeat(from: &reader))
            case .bye: .bye(try Bye(from: &reader))
            }
        }
    }

    /// Validates the message and appends its payload (no frame header) to `buffer`.
    ///
    /// On error nothing is appended.
    public func writePayload(to buffer: inout ByteBuffer) throws(ProtocolError) {
        let start = buffer.writerIndex
        do {
            // A switch rather than an existential keeps the hot path free of boxing.
            switch self {
            case .hello(let m): try m.write(to: &buffer)
            case .welcome(let m): try m.write(to: &buffer)
            case .pose(let m): try m.write(to: &buffer)
            case .channelReport(let m): try m.write(to: &buffer)
            case .schedule(let m): try m.write(to: &buffer)
            case .frame(let m): try m.write(to: &buffer)
            case .image(let m): try m.write(to: &buffer)
            case .uploadBegin(let m): try m.write(to: &buffer)
            case .uploadChunk(let m): try m.write(to: &buffer)
            case .uploadEnd(let m): try m.write(to: &buffer)
            case .ack(let m): try m.write(to: &buffer)
            case .error(let m): try m.write(to: &buffer)
            case .ping(let m): try m.write(to: &buffer)
            case .pong(let m): try m.write(to: &buffer)
            case .bye(let m): try m.write(to: &buffer)
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }
}
