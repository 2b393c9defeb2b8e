/// An error raised by a problem loader or a solver: a stable machine-readable code and a
/// human-readable message.
public struct OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifiers for every failure a solver or instance loader reports.
    public enum Code: String, Sendable {
        /// The instance is malformed: a missing key, wrong array length, non-finite value.
        case invalidInstance = "invalid_instance"
        /// No feasible point exists (e.g. poses alone exceed the power budget).
        case infeasible = "infeasible"
        /// The solver name is not known.
        case unknownSolver = "unknown_solver"
        /// A numerical routine (LAPACK, bisection) failed to produce a usable answer.
        case numerical = "numerical"
        /// A model or data file could not be read or has the wrong format.
        case badFile = "bad_file"
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
