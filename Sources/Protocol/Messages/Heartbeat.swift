import NIOCore

/// The payload of `PING` and `PONG`. A `PONG` echoes its `PING`'s nonce and timestamp, so the
/// pinger measures the round trip on its own clock.
public struct Heartbeat: Hashable, Sendable {
    /// An arbitrary value that pairs a `PONG` with its `PING`.
    public var nonce: UInt64
    /// The pinger's clock when it sent the `PING`, in nanoseconds since the Unix epoch.
    public var timestampNanoseconds: UInt64

    /// A heartbeat payload.
    public init(nonce: UInt64, timestampNanoseconds: UInt64) {
        self.nonce = nonce
        self.timestampNanoseconds = timestampNanoseconds
    }
}

extension Heartbeat: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        nonce = try reader.readInteger("PING/PONG.nonce")
        timestampNanoseconds = try reader.readInteger("PING/PONG.timestamp_ns")
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(nonce)
        buffer.writeInteger(timestampNanoseconds)
    }
}
