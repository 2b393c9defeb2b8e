import NIOCore

/// `UPLOAD_END` (client → server): every byte was sent; the server verifies the SHA-256 and
/// commits the upload, answering `ACK` (value = total size) or `ERROR` (`upload_digest`, …).
public struct UploadEnd: Hashable, Sendable {
    /// The upload, as named in `UPLOAD_BEGIN`.
    public var uploadID: UInt64

    /// An `UPLOAD_END` message.
    public init(uploadID: UInt64) { self.uploadID = uploadID }
}

extension UploadEnd: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        uploadID = try reader.readInteger("UPLOAD_END.upload_id")
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(uploadID)
    }
}
