/// A configuration the daemon refuses to start with: which key, and why.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    enum Code: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The file is not valid TOML.
        case syntax
        /// A key the daemon does not know (usually a typo).
        case unknownKey
        /// A key holds a value of the wrong TOML type.
        case wrongType
        /// A value is out of its documented domain.
        case invalidValue
    }

    var code: Code
    /// The dotted key (`limits.max_sessions`) or the file path.
    var key: String
    var message: String

    static func invalid(_ key: String, _ message: String) -> Self {
        Self(code: .invalidValue, key: key, message: message)
    }

    var description: String { "configuration error (\(code.rawValue)) at \(key): \(message)" }
}
