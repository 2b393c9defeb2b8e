import Protocol
import Renderer

/// One item of a collector's dataset: its index in the dataset, the camera pose it was taken
/// from and the image as 8-bit RGB (what travels in a ``SampleBundle``).
public struct CollectedSample: Sendable, Equatable {
    /// Index in the collector's dataset (timestamp order).
    public var index: Int
    /// Camera pose.
    public var pose: Pose
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Row-major RGB bytes, `width·height·3` of them.
    public var rgb: [UInt8]

    /// A sample from raw bytes (the caller guarantees `rgb.count == width·height·3`).
    public init(index: Int, pose: Pose, width: Int, height: Int, rgb: [UInt8]) {
        self.index = index
        self.pose = pose
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// A sample of `image`, quantised to 8 bits per channel (clamped to [0, 1], rounded).
    public init(index: Int, pose: Pose, image: RGBImage) {
        self.init(
            index: index, pose: pose, width: image.width, height: image.height,
            rgb: image.pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) })
    }

    /// The image in [0, 1], exactly as both ends evaluate it.
    public var image: RGBImage {
        RGBImage(width: width, height: height, pixels: rgb.map { Float($0) / 255 })
    }
}
