import CPNG
import Foundation

extension RGBImage {
    /// The image encoded as an 8-bit RGB PNG by libpng; values are clamped to [0, 1] and rounded.
    public func pngData() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: pixels.count)
        for i in pixels.indices { bytes[i] = UInt8((min(max(pixels[i], 0), 1) * 255).rounded()) }
        var image = Self.pngImage(width: width, height: height)
        var size = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, bytes, 0, nil) != 0, size > 0 else {
            throw RendererError(.io, "libpng could not size the PNG: \(Self.message(of: image))")
        }
        var output = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&image, &output, &size, 0, bytes, 0, nil) != 0 else {
            throw RendererError(.io, "libpng could not encode the PNG: \(Self.message(of: image))")
        }
        return Data(output[0..<size])
    }

    /// Decodes a PNG of any colour type libpng accepts, converted to 8-bit RGB, into [0, 1].
    public init(pngData data: Data) throws {
        var image = Self.pngImage(width: 0, height: 0)
        let ok = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard ok != 0 else { throw RendererError(.invalidImage, "not a readable PNG: \(Self.message(of: image))") }
        defer { png_image_free(&image) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let (w, h) = (Int(image.width), Int(image.height))
        guard w > 0, h > 0 else { throw RendererError(.invalidImage, "PNG has no pixels") }
        var bytes = [UInt8](repeating: 0, count: w * h * 3)
        guard png_image_finish_read(&image, nil, &bytes, 0, nil) != 0 else {
            throw RendererError(.invalidImage, "PNG decode failed: \(Self.message(of: image))")
        }
        self.init(width: w, height: h, pixels: bytes.map { Float($0) / 255 })
    }

    private static func pngImage(width: Int, height: Int) -> png_image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        return image
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
