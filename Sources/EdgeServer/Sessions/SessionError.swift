/// Why a session could not be opened or continued.
struct SessionError: Error, Equatable, CustomStringConvertible {
    enum Code: String, Sendable {
        /// Missing or wrong token.
        case unauthorized
        /// ``ServerConfiguration/Limits/maxSessions`` reached.
        case sessionLimit = "session_limit"
        /// The client id is not usable (empty, too long, unsafe characters).
        case invalidClient = "invalid_value"
        /// A reconnect names an existing client with another role.
        case roleConflict = "unexpected_message"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code.rawValue): \(message)" }
}
