import Foundation
import SlotModel
import TOMLKit

extension ServerConfiguration {
    /// Reads a TOML configuration file on top of the defaults.
    ///
    /// - Throws: ``ConfigurationError`` for an unreadable file, a syntax error (with its line),
    ///   an unknown section or key, or a value of the wrong type.
    static func load(tomlFile path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(code: .unreadable, key: path, message: "\(error.localizedDescription)")
        }
        return try parse(toml: text, source: path)
    }

    /// Parses TOML text on top of the defaults; `source` names the text in error messages.
    static func parse(toml text: String, source: String = "<string>") throws(ConfigurationError) -> ServerConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                code: .syntax, key: "\(source):\(error.source.begin.line)", message: error.description)
        } catch {
            throw ConfigurationError(code: .syntax, key: source, message: "\(error)")
        }
        var configuration = ServerConfiguration()
        let keys = keys
        var sectionOrder: [String] = []
        for key in keys where !sectionOrder.contains(key.section) { sectionOrder.append(key.section) }
        let sections = try TOMLSection(root, path: "")
        try sections.requireOnly(Set(sectionOrder))
        // Declaration order, so that a file with several mistakes always reports the same first one.
        for name in sectionOrder {
            guard let section = try sections.section(name) else { continue }
            let sectionKeys = keys.filter { $0.section == name }
            try section.requireOnly(Set(sectionKeys.map(\.name)))
            for key in sectionKeys { try key.apply(section, &configuration) }
        }
        return configuration
    }

    /// One `[[auth.grants]]` table: `token`, `clients` (ids or `prefix*` patterns), optional `roles`.
    static func readGrant(_ table: TOMLSection) throws(ConfigurationError) -> TokenGrant {
        try table.requireOnly(["token", "clients", "roles"])
        var token = ""
        var clients: [String] = []
        var roles = SessionRole.allCases.map(\.rawValue)
        try table.read("token", into: &token)
        try table.read("clients", into: &clients)
        try table.read("roles", into: &roles)
        var patterns: [ClientPattern] = []
        for text in clients {
            guard let pattern = ClientPattern(text) else {
                throw .invalid(table.path + ".clients", "\"\(text)\" is not an id, a prefix ending in one *, or *")
            }
            patterns.append(pattern)
        }
        var granted = Set<SessionRole>()
        for name in roles {
            guard let role = SessionRole(rawValue: name) else {
                throw .invalid(table.path + ".roles", "\"\(name)\" is not one of \(SessionRole.allCases.map(\.rawValue))")
            }
            granted.insert(role)
        }
        return TokenGrant(token: token, clients: patterns, roles: granted)
    }
}
