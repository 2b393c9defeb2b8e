import CPNG
import Foundation

extension RGBImage {
    /// The image encoded as an 8-bit RGB PNG by libpng; values are clamped to [0, 1] and rounded.
    public func pngData() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: pixels.count)
        for i in pixels.indices { bytes[i] = UInt8((min(max(pixels[i], 0), 1) * 255).rounded()) }
        let image = UnsafeMutablePointer<png_image>.allocate(capacity: 1)
        image.initialize(to: Self.pngImage(width: width, height: height))
        defer {
            png_image_free(image)
            image.deallocate()
        }
        var size = 0
        guard png_image_write_to_memory(image, nil, &size, 0, bytes, 0, nil) != 0, size > 0 else {
            throw RendererError(.io, "libpng could not size the PNG: \(Self.message(of: image.pointee))")
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { png_image_write_to_memory(image, $0.baseAddress, &size, 0, bytes, 0, nil) }
        guard written != 0 else {
            throw RendererError(.io, "libpng could not encode the PNG: \(Self.message(of: image.pointee))")
        }
        return Data(output[0..<size])
    }

    /// Decodes a PNG of any colour type libpng accepts, converted to 8-bit RGB, into [0, 1].
    public init(pngData data: Data) throws {
        // libpng keeps pointers to both the png_image and the input bytes from begin_read until
        // png_image_free, so both must stay at one address for the whole decode: the control
        // block is heap-allocated (not a Swift inout temporary) and every call runs inside one
        // withUnsafeBytes.
        let image = UnsafeMutablePointer<png_image>.allocate(capacity: 1)
        image.initialize(to: Self.pngImage(width: 0, height: 0))
        defer {
            png_image_free(image)
            image.deallocate()
        }
        let (width, height, bytes): (Int, Int, [UInt8]) = try data.withUnsafeBytes { input in
            guard png_image_begin_read_from_memory(image, input.baseAddress, input.count) != 0 else {
                throw RendererError(.invalidImage, "not a readable PNG: \(Self.message(of: image.pointee))")
            }
            image.pointee.format = UInt32(PNG_FORMAT_RGB)
            let (w, h) = (Int(image.pointee.width), Int(image.pointee.height))
            guard w > 0, h > 0 else { throw RendererError(.invalidImage, "PNG has no pixels") }
            var bytes = [UInt8](repeating: 0, count: w * h * 3)
            let finished = bytes.withUnsafeMutableBytes { png_image_finish_read(image, nil, $0.baseAddress, 0, nil) }
            guard finished != 0 else {
                throw RendererError(.invalidImage, "PNG decode failed: \(Self.message(of: image.pointee))")
            }
            return (w, h, bytes)
        }
        self.init(width: width, height: height, pixels: bytes.map { Float($0) / 255 })
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
