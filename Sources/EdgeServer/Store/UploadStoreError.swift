#if canImport(Glibc)
    import Glibc
#endif

/// Why the upload store refused or failed an operation.
///
/// The codes line up with the Protocol module's upload error codes so the binary transport
/// answers with the same `ERROR` the HTTP routes express as a status.
struct UploadStoreError: Error, Equatable, CustomStringConvertible {
    enum Code: String, Sendable {
        /// CHUNK or END for an upload that was never begun (or already committed and forgotten).
        case unknownUpload = "unknown_upload"
        /// A chunk does not start at the durable offset.
        case offset = "upload_offset"
        /// The received bytes' SHA-256 differs from BEGIN's digest.
        case digest = "upload_digest"
        /// Past the announced total, or the total exceeds the store's limit.
        case size = "upload_size"
        /// BEGIN for an existing upload id with a different size or digest, or an invalid name.
        case invalid = "invalid_value"
        /// Another connection is writing this upload right now.
        case busy = "upload_busy"
        /// The file system failed.
        case io = "internal_error"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func io(_ operation: String, _ path: String) -> Self {
        Self(.io, "\(operation) \(path): \(String(cString: strerror(errno)))")
    }

    var description: String { "\(code.rawValue): \(message)" }
}
