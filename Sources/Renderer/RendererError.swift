/// An error raised by the renderer: a stable machine-readable code and a human-readable message.
public struct RendererError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers for every failure the renderer reports.
    public enum Code: String, Sendable {
        /// A file could not be opened, read or written.
        case io = "io"
        /// The PLY header is malformed or uses an unsupported encoding.
        case badHeader = "bad_header"
        /// A property the 3DGS format requires is absent.
        case missingProperty = "missing_property"
        /// The file holds fewer bytes than its header announces.
        case truncated = "truncated"
        /// A value is NaN or infinite.
        case nonFinite = "non_finite"
        /// Arrays or dimensions do not agree (e.g. an SH coefficient count that is no degree).
        case invalidScene = "invalid_scene"
        /// A camera description is malformed (bad JSON, non-rigid pose, bad intrinsics).
        case invalidCamera = "invalid_camera"
        /// Two images or an image and a request do not fit together.
        case invalidImage = "invalid_image"
        /// An argument is out of its documented range.
        case invalidArgument = "invalid_argument"
    }

    /// What went wrong, for programs.
    public let code: Code
    /// What went wrong, for people.
    public let message: String

    /// An error with the given code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
