import NIOCore

/// How an image's bytes encode its pixels.
public enum PixelEncoding: UInt8, CaseIterable, Sendable {
    /// Raw 8-bit sRGB, interleaved R, G, B, rows top to bottom: exactly width × height × 3 bytes.
    case rgb8 = 1
    /// A PNG file (opaque to the protocol; the receiver's PNG decoder validates it).
    case png = 2
}

/// An image on the wire: dimensions, encoding and bytes. Shared by `FRAME` and `IMAGE`.
///
/// Wire layout: `u16 width | u16 height | u8 encoding | u32 length | bytes`.
public struct EncodedImage: Hashable, Sendable {
    /// Width in pixels (≥ 1).
    public var width: UInt16
    /// Height in pixels (≥ 1).
    public var height: UInt16
    /// How `bytes` encodes the pixels.
    public var encoding: PixelEncoding
    /// The encoded image. After decoding, a slice of the received frame (no copy).
    public var bytes: ByteBuffer

    /// An image with the given dimensions, encoding and bytes.
    public init(width: UInt16, height: UInt16, encoding: PixelEncoding, bytes: ByteBuffer) {
        self.width = width
        self.height = height
        self.encoding = encoding
        self.bytes = bytes
    }
}

extension EncodedImage: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        width = try reader.readInteger("image.width")
        height = try reader.readInteger("image.height")
        encoding = try reader.readEnum("image.encoding")
        bytes = try reader.readBlob("image.bytes")
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(width)
        buffer.writeInteger(height)
        buffer.writeEnum(encoding)
        try buffer.writeBlob(bytes, name: "image.bytes")
        try validate()
    }

    private func validate() throws(ProtocolError) {
        guard width >= 1, height >= 1 else {
            throw ProtocolError(.invalidValue, "image dimensions \(width)×\(height) must be ≥ 1")
        }
        let rawSize = Int(width) * Int(height) * 3
        if encoding == .rgb8, bytes.readableBytes != rawSize {
            throw ProtocolError(
                .countMismatch, "rgb8 image \(width)×\(height) needs \(rawSize) bytes, has \(bytes.readableBytes)")
        }
    }
}
