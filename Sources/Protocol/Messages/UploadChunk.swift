import NIOCore

/// `UPLOAD_CHUNK` (client → server): bytes of an upload at an offset.
///
/// The server answers with `ACK` whose value is the durable offset after the chunk.
public struct UploadChunk: Hashable, Sendable {
    /// The upload, as named in `UPLOAD_BEGIN`.
    public var uploadID: UInt64
    /// Where `data` starts within the upload; offset + length must fit in a `u64`.
    public var offset: UInt64
    /// The chunk's bytes. After decoding, a slice of the received frame (no copy).
    public var data: ByteBuffer

    /// An `UPLOAD_CHUNK` message.
    public init(uploadID: UInt64, offset: UInt64, data: ByteBuffer) {
        self.uploadID = uploadID
        self.offset = offset
        self.data = data
    }
}

extension UploadChunk: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        uploadID = try reader.readInteger("UPLOAD_CHUNK.upload_id")
        offset = try reader.readInteger("UPLOAD_CHUNK.offset")
        data = try reader.readBlob("UPLOAD_CHUNK.data")
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(uploadID)
        buffer.writeInteger(offset)
        try buffer.writeBlob(data, name: "UPLOAD_CHUNK.data")
        try validate()
    }

    private func validate() throws(ProtocolError) {
        guard offset <= UInt64.max - UInt64(data.readableBytes) else {
            throw ProtocolError(.invalidValue, "UPLOAD_CHUNK offset \(offset) + \(data.readableBytes) bytes overflows u64")
        }
    }
}
