/// What one token lets its holder be: which client ids, in which roles (`[[auth.grants]]`).
///
/// A session, its uploads, its event stream and its MR frames belong to its client id; only a
/// token whose grant covers that id may open, resume, replace, read or upload for it.
struct TokenGrant: Sendable, Equatable {
    /// The secret itself.
    var token: String
    /// The client ids the token may use.
    var clients: [ClientPattern]
    /// The roles the token may open sessions in.
    var roles: Set<SessionRole>

    /// A grant of `clients` in `roles` (every role by default).
    init(token: String, clients: [ClientPattern], roles: Set<SessionRole> = Set(SessionRole.allCases)) {
        self.token = token
        self.clients = clients
        self.roles = roles
    }

    /// A flat `auth.tokens` entry: every client id in every role (the behaviour before grants).
    static func unrestricted(_ token: String) -> TokenGrant {
        TokenGrant(token: token, clients: [.any])
    }

    /// Whether the grant covers `clientID`.
    func allows(clientID: String) -> Bool { clients.contains { $0.matches(clientID) } }

    /// Whether the grant covers a session of `clientID` in `role`.
    func allows(clientID: String, role: SessionRole) -> Bool { roles.contains(role) && allows(clientID: clientID) }
}

/// A client id, a prefix of ids (`robot-*`) or every id (`*`).
enum ClientPattern: Sendable, Equatable, CustomStringConvertible {
    case exact(String)
    case prefix(String)
    case any

    /// Parses a pattern: `*` alone, a prefix ending in one `*`, or an exact id.
    init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        let stars = text.filter { $0 == "*" }.count
        if stars == 0 {
            self = .exact(text)
        } else if stars == 1, text.hasSuffix("*") {
            self = text.count == 1 ? .any : .prefix(String(text.dropLast()))
        } else {
            return nil
        }
    }

    func matches(_ clientID: String) -> Bool {
        switch self {
        case .exact(let id): clientID == id
        case .prefix(let prefix): clientID.hasPrefix(prefix)
        case .any: true
        }
    }

    var description: String {
        switch self {
        case .exact(let id): id
        case .prefix(let prefix): prefix + "*"
        case .any: "*"
        }
    }
}
