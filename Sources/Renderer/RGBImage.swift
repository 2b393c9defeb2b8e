/// An RGB image with channels interleaved per pixel, values nominally in [0, 1] (display
/// values, as 3DGS renders them: PNG output stores them without a transfer curve).
///
/// Row-major: the value of channel `c` at column `x`, row `y` is `pixels[(y * width + x) * 3 + c]`.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Interleaved RGB values, `width * height * 3` of them.
    public var pixels: [Float]

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: SIMD3<Float> = .zero) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        self.width = width
        self.height = height
        var values = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            values[3 * i] = fill.x
            values[3 * i + 1] = fill.y
            values[3 * i + 2] = fill.z
        }
        self.pixels = values
    }

    /// An image over existing interleaved values; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(pixels.count == width * height * 3, "pixel count does not match dimensions")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int) -> SIMD3<Float> {
        get {
            let i = (y * width + x) * 3
            return SIMD3(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.x
            pixels[i + 1] = newValue.y
            pixels[i + 2] = newValue.z
        }
    }
}
