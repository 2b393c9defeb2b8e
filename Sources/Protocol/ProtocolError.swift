/// A protocol failure: a stable machine-readable code and a human-readable message.
///
/// The decoder raises it for every malformed frame, the encoder for every message it refuses
/// to put on the wire, and the `ERROR` message carries exactly this pair to the peer, so a
/// failure detected on one side reaches the other side unchanged.
public struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A wire error code (`u16`). Codes are open-ended: a peer may send a code this build
    /// does not know, and it still decodes.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The value on the wire.
        public var rawValue: UInt16

        /// The code with the given wire value.
        public init(rawValue: UInt16) { self.rawValue = rawValue }

        // 1–99: framing and payload validation (raised by this module's codec).

        /// The first two bytes of a frame are not the magic `0x4753`.
        public static let badMagic = Code(rawValue: 1)
        /// The header's version byte is not one this endpoint accepts.
        public static let unsupportedVersion = Code(rawValue: 2)
        /// The header's type byte names no message.
        public static let unknownType = Code(rawValue: 3)
        /// The header's payload length exceeds the configured maximum.
        public static let frameTooLarge = Code(rawValue: 4)
        /// The payload (or the stream) ended before a field was complete.
        public static let truncated = Code(rawValue: 5)
        /// The payload has bytes left after its last field.
        public static let trailingBytes = Code(rawValue: 6)
        /// An element count or a dimension disagrees with the bytes it describes.
        public static let countMismatch = Code(rawValue: 7)
        /// A float that must be finite is NaN or infinite.
        public static let nonFiniteValue = Code(rawValue: 8)
        /// A string field is not valid UTF-8.
        public static let invalidUTF8 = Code(rawValue: 9)
        /// A string field is longer (or shorter) than its documented limits.
        public static let stringLength = Code(rawValue: 10)
        /// An element count exceeds its documented maximum.
        public static let tooManyElements = Code(rawValue: 11)
        /// A field holds a value outside its documented domain (an unknown enum value, a
        /// negative power, a zero dimension, reserved bits set, …).
        public static let invalidValue = Code(rawValue: 12)

        // 100–199: session (raised by the daemon).

        /// HELLO's version range and the server's have no version in common.
        public static let versionMismatch = Code(rawValue: 100)
        /// The token is missing or wrong.
        public static let unauthorized = Code(rawValue: 101)
        /// The server has no room for another session.
        public static let sessionLimit = Code(rawValue: 102)
        /// The message is valid but not allowed in the session's current state
        /// (e.g. POSE before HELLO).
        public static let unexpectedMessage = Code(rawValue: 103)
        /// The session sent nothing for longer than the idle timeout.
        public static let idleTimeout = Code(rawValue: 104)
        /// The peer did not read the server's messages fast enough: more than the server's
        /// per-session outbound limit was waiting for its socket.
        public static let slowConsumer = Code(rawValue: 105)

        // 200–299: uploads (raised by the daemon's upload store).

        /// UPLOAD_CHUNK or UPLOAD_END names an upload that was never begun.
        public static let unknownUpload = Code(rawValue: 200)
        /// A chunk's offset is not the upload's durable offset.
        public static let uploadOffset = Code(rawValue: 201)
        /// The received bytes' SHA-256 differs from UPLOAD_BEGIN's digest.
        public static let uploadDigest = Code(rawValue: 202)
        /// The chunk would run past UPLOAD_BEGIN's total size, or the total exceeds the store's limit.
        public static let uploadSize = Code(rawValue: 203)

        // 500–599: server faults.

        /// The server failed for reasons of its own; the request may be retried.
        public static let internalError = Code(rawValue: 500)

        private static let names: [UInt16: String] = [
            1: "bad_magic", 2: "unsupported_version", 3: "unknown_type", 4: "frame_too_large",
            5: "truncated", 6: "trailing_bytes", 7: "count_mismatch", 8: "non_finite_value",
            9: "invalid_utf8", 10: "string_length", 11: "too_many_elements", 12: "invalid_value",
            100: "version_mismatch", 101: "unauthorized", 102: "session_limit",
            103: "unexpected_message", 104: "idle_timeout", 105: "slow_consumer",
            200: "unknown_upload", 201: "upload_offset", 202: "upload_digest", 203: "upload_size",
            500: "internal_error",
        ]

        /// The code's documented name (`bad_magic`, …), or `code_<n>` for an unknown code.
        public var description: String { Self.names[rawValue] ?? "code_\(rawValue)" }
    }

    /// What went wrong, for programs.
    public var code: Code
    /// What went wrong, for people (at most ``maxMessageBytes`` UTF-8 bytes to travel in an
    /// `ERROR` frame; see ``clampedForWire()``).
    public var message: String

    /// The request id of the frame that caused the error, where the decoder could read it (a
    /// header fault after the magic, or any payload fault); `nil` otherwise. It says where the
    /// error arose, not what it is, so equality and hashing ignore it.
    public var requestID: UInt32?

    /// An error with the given code and message.
    public init(_ code: Code, _ message: String, requestID: UInt32? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    public static func == (lhs: ProtocolError, rhs: ProtocolError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    public var description: String { "\(code) (\(code.rawValue)): \(message)" }

    /// This error with its message cut, at a character boundary, to ``maxMessageBytes`` UTF-8
    /// bytes, so that it can always be sent in an `ERROR` frame.
    public func clampedForWire() -> ProtocolError {
        var clamped = ""
        for character in message {
            guard clamped.utf8.count + character.utf8.count <= Self.maxMessageBytes else { break }
            clamped.append(character)
        }
        return ProtocolError(code, clamped, requestID: requestID)
    }
}
