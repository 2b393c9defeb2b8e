import NIOCore

/// `FRAME` (server → client): a frame the edge rendered for the client's slot.
public struct RenderedFrame: Hashable, Sendable {
    /// The slot whose pose the frame was rendered at.
    public var slot: UInt64
    /// The rendered image.
    public var image: EncodedImage

    /// A `FRAME` message.
    public init(slot: UInt64, image: EncodedImage) {
        self.slot = slot
        self.image = image
    }
}

extension RenderedFrame: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        slot = try reader.readInteger("FRAME.slot")
        image = try EncodedImage(from: &reader)
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(slot)
        try image.write(to: &buffer)
    }
}
