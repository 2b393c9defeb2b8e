import NIOCore

/// `BYE` (either direction): the sender is about to close the connection.
public struct Bye: Hashable, Sendable {
    /// Why the connection closes.
    public enum Reason: UInt8, CaseIterable, Sendable {
        /// The sender is done (end of run, user quit).
        case normal = 0
        /// The server is draining for shutdown; the client may reconnect elsewhere or later.
        case shuttingDown = 1
        /// The peer was silent for longer than the idle timeout.
        case idleTimeout = 2
        /// The peer violated the protocol (an `ERROR` preceded this `BYE`).
        case protocolViolation = 3
        /// A newer connection with the same client id took over the session.
        case replaced = 4
    }

    /// Why the connection closes.
    public var reason: Reason
    /// Details for people (0–1024 UTF-8 bytes).
    public var message: String

    /// A `BYE` message.
    public init(reason: Reason, message: String = "") {
        self.reason = reason
        self.message = message
    }

    static let messageField = StringField(name: "BYE.message", bytes: 0...1024)
}

extension Bye: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        reason = try reader.readEnum("BYE.reason")
        message = try reader.readString(Self.messageField)
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeEnum(reason)
        try buffer.writeString(message, as: Self.messageField)
    }
}
