/// An error raised by a channel computation: a stable code and a human-readable message.
public struct WirelessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers for the failures of channel computations.
    public enum Code: String, Sendable {
        /// Inputs of the wrong shape (empty, ragged, fewer antennas than users).
        case invalidInput = "invalid_input"
        /// The channel matrix is rank deficient, so zero forcing has no solution.
        case singularChannel = "singular_channel"
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
