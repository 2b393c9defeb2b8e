import NIOCore

/// What an upload carries.
public enum UploadKind: UInt8, CaseIterable, Sendable {
    /// A collector's dataset (images and poses).
    case dataset = 1
    /// A collector's pilot set.
    case pilots = 2
    /// A Gaussian-splat scene (PLY).
    case scene = 3
    /// A client's run log or report.
    case log = 4
}

/// `UPLOAD_BEGIN` (client → server): announces, or resumes, a resumable upload.
///
/// The server answers with `ACK` whose value is the upload's durable offset (0 for a new
/// upload), from which the client continues with `UPLOAD_CHUNK`s.
public struct UploadBegin: Hashable, Sendable {
    /// The client's identifier for the upload; re-sending `UPLOAD_BEGIN` with the same id,
    /// size and digest resumes it.
    public var uploadID: UInt64
    /// Total size of the upload in bytes.
    public var totalSize: UInt64
    /// SHA-256 of the complete upload (32 bytes), checked at `UPLOAD_END`.
    public var sha256: [UInt8]
    /// What the upload carries.
    public var kind: UploadKind
    /// A label for the upload (1–255 UTF-8 bytes); the server never uses it as a path.
    public var name: String

    /// An `UPLOAD_BEGIN` message.
    public init(uploadID: UInt64, totalSize: UInt64, sha256: [UInt8], kind: UploadKind, name: String) {
        self.uploadID = uploadID
        self.totalSize = totalSize
        self.sha256 = sha256
        self.kind = kind
        self.name = name
    }

    /// Bytes in a SHA-256 digest.
    public static let digestLength = 32

    static let nameField = StringField(name: "UPLOAD_BEGIN.name", bytes: 1...255)
}

extension UploadBegin: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        uploadID = try reader.readInteger("UPLOAD_BEGIN.upload_id")
        totalSize = try reader.readInteger("UPLOAD_BEGIN.total_size")
        sha256 = try reader.readBytes("UPLOAD_BEGIN.sha256", count: Self.digestLength)
        kind = try reader.readEnum("UPLOAD_BEGIN.kind")
        name = try reader.readString(Self.nameField)
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        guard sha256.count == Self.digestLength else {
            throw ProtocolError(
                .countMismatch, "UPLOAD_BEGIN.sha256 has \(sha256.count) bytes, must have \(Self.digestLength)")
        }
        buffer.writeInteger(uploadID)
        buffer.writeInteger(totalSize)
        buffer.writeBytes(sha256)
        buffer.writeEnum(kind)
        try buffer.writeString(name, as: Self.nameField)
    }
}
