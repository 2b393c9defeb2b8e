import Foundation
import NIOCore
import Protocol
import Renderer

extension EncodedImage {
    /// A PNG payload of `width`×`height` pixels (IMAGE and FRAME messages carry these).
    public init(png: Data, width: Int, height: Int) {
        self.init(width: UInt16(width), height: UInt16(height), encoding: .png, bytes: ByteBuffer(bytes: png))
    }

    /// The pixels of a PNG payload; nil for another encoding or bytes libpng cannot decode.
    public var pngPixels: RGBImage? {
        guard encoding == .png, let data = bytes.getBytes(at: bytes.readerIndex, length: bytes.readableBytes) else { return nil }
        return try? RGBImage(pngData: Data(data))
    }
}
