import NIOCore

/// `ACK` (either direction): a request succeeded.
public struct Ack: Hashable, Sendable {
    /// The request id of the frame being acknowledged (also echoed in the header).
    public var acknowledgedRequestID: UInt32
    /// A request-specific value: the durable offset after `UPLOAD_BEGIN` / `UPLOAD_CHUNK`,
    /// the committed size after `UPLOAD_END`, otherwise 0.
    public var value: UInt64

    /// An `ACK` message.
    public init(acknowledgedRequestID: UInt32, value: UInt64 = 0) {
        self.acknowledgedRequestID = acknowledgedRequestID
        self.value = value
    }
}

extension Ack: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        acknowledgedRequestID = try reader.readInteger("ACK.request_id")
        value = try reader.readInteger("ACK.value")
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(acknowledgedRequestID)
        buffer.writeInteger(value)
    }
}
