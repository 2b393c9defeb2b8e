/// An error raised by a world-backed scenario source: a stable machine-readable code and a
/// human-readable message.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers for every failure a scenario source reports.
    public enum Code: String, Sendable {
        /// A setting is out of its documented range (probe size, counts, compression target).
        case invalidSetting = "invalid_setting"
        /// A quantity was requested that the source has not measured (e.g. an unknown seed).
        case notMeasured = "not_measured"
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
