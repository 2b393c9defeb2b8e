import NIOCore

/// `ERROR` (either direction) carries a ``ProtocolError``: `u16 code | string message`.
extension ProtocolError: PayloadCodable {
    /// The most UTF-8 bytes of an `ERROR` message.
    public static let maxMessageBytes = 1024

    static let messageField = StringField(name: "ERROR.message", bytes: 0...maxMessageBytes)

    init(from reader: inout PayloadReader) throws(ProtocolError) {
        code = Code(rawValue: try reader.readInteger("ERROR.code"))
        message = try reader.readString(Self.messageField)
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(code.rawValue)
        try buffer.writeString(message, as: Self.messageField)
    }
}
