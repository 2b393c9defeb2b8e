/// A model file the edge refuses to serve, or a version store it cannot use.
struct ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers of every refusal.
    enum Code: String, Sendable {
        /// The file does not exist or cannot be read.
        case unreadable = "unreadable"
        /// More bytes or Gaussians than `world.scene_max_gaussians` allows, or none.
        case tooLarge = "too_large"
        /// Not a 3DGS PLY the renderer reads: header, properties, truncation, NaN/∞ (the
        /// renderer's own code follows in the message).
        case malformed = "malformed"
        /// Writing a version or its catalog row failed.
        case storage = "storage"
        /// A cached small model whose record does not match its file or the daemon's settings.
        case stale = "stale"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "model \(code.rawValue): \(message)" }
}
