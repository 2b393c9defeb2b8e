import Renderer

/// One posed image of a dataset: the camera (intrinsics and world-to-camera pose, OpenCV axes)
/// and the photograph it saw.
public struct TrainingView: Sendable {
    /// Name of the image (its file name in the dataset).
    public var name: String
    /// The camera; its size equals the image's.
    public var camera: Camera
    /// Ground-truth colours in [0, 1].
    public var image: RGBImage

    /// A view; the image must match the camera's size.
    public init(name: String, camera: Camera, image: RGBImage) throws {
        guard image.width == camera.width, image.height == camera.height else {
            throw TrainingError(.mismatchedSize, "image \(name) is \(image.width)×\(image.height) but its camera is \(camera.width)×\(camera.height)")
        }
        self.name = name
        self.camera = camera
        self.image = image
    }
}

/// An error of the training pipeline: a stable code and a message naming the file or value.
public struct TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers of every failure.
    public enum Code: String, Sendable {
        /// A file the dataset needs is absent.
        case missingFile = "missing_file"
        /// A file exists but cannot be parsed.
        case malformed = "malformed"
        /// A camera model other than PINHOLE / SIMPLE_PINHOLE (or an unusable intrinsic).
        case unsupportedCameraModel = "unsupported_camera_model"
        /// An image's size disagrees with its camera.
        case mismatchedSize = "mismatched_size"
        /// An image format no decoder here reads.
        case unsupportedImage = "unsupported_image"
        /// An argument outside its range.
        case invalidArgument = "invalid_argument"
    }

    /// What went wrong, for programs.
    public let code: Code
    /// What went wrong, for people.
    public let message: String

    /// An error with a code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
