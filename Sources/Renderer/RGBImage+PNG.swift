import CPNG
import Foundation

extension RGBImage {
    /// The image encoded as an 8-bit RGB PNG by libpng; values are clamped to [0, 1] and rounded.
    ///
    /// Written with libpng's fast flag (no row filters, zlib level 3): these PNGs are transport
    /// encodings (FRAMEs, uploads) whose encode sits on a deadline, so speed beats size — at
    /// 128×96 about 15 % larger and several times faster (docs/PERFORMANCE.md). Compresses once,
    /// into a buffer of libpng's worst-case size: asking libpng for the size first (a NULL
    /// buffer) would run the whole compression twice.
    public func pngData() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: pixels.count)
        for i in pixels.indices { bytes[i] = UInt8((min(max(pixels[i], 0), 1) * 255).rounded()) }
        return try Self.withControlBlock(width: width, height: height) { image in
            var output = Data(count: Int(splatedge_png_image_size_max(image.pointee)))
            var size = png_alloc_size_t(output.count)
            let written = output.withUnsafeMutableBytes { png_image_write_to_memory(image, $0.baseAddress, &size, 0, bytes, 0, nil) }
            guard written != 0, size > 0, size <= output.count else {
                throw RendererError(.io, "libpng could not encode the PNG: \(Self.message(of: image.pointee))")
            }
            output.count = Int(size)
            return output
        }
    }

    /// Decodes a PNG of any colour type libpng accepts, converted to 8-bit RGB, into [0, 1].
    public init(pngData data: Data) throws {
        // libpng also keeps a pointer to the input bytes from begin_read until png_image_free:
        // every call runs inside one withUnsafeBytes.
        let (width, height, bytes): (Int, Int, [UInt8]) = try Self.withControlBlock(width: 0, height: 0) { image in
            try data.withUnsafeBytes { input in
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
        }
        self.init(width: width, height: height, pixels: bytes.map { Float($0) / 255 })
    }

    /// Runs `body` with a libpng simplified-API control block for an RGB image. libpng keeps
    /// pointers to the block between its calls, so it lives at one heap address (not a Swift
    /// inout temporary) until `png_image_free`.
    private static func withControlBlock<Result>(
        width: Int, height: Int, _ body: (UnsafeMutablePointer<png_image>) throws -> Result
    ) throws -> Result {
        let image = UnsafeMutablePointer<png_image>.allocate(capacity: 1)
        var control = png_image()
        control.version = UInt32(PNG_IMAGE_VERSION)
        control.width = UInt32(width)
        control.height = UInt32(height)
        control.format = UInt32(PNG_FORMAT_RGB)
        control.flags = UInt32(PNG_IMAGE_FLAG_FAST)
        image.initialize(to: control)
        defer {
            png_image_free(image)
            image.deallocate()
        }
        return try body(image)
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
