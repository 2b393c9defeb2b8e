import Foundation
import Testing

@testable import EdgeServer

/// docs/OPERATIONS.md is the user's reference for the TOML file; these tests hold it to the one
/// declaration of the keys (``ServerConfiguration/keys``) and to the defaults in the code.
@Suite("Configuration keys: declared once, documented as declared")
struct ConfigurationKeyDocsTests {
    /// One documented key: its dotted name and the default cell as written (nil when the cell is
    /// prose such as "unset" or "cores").
    struct DocumentedKey: Equatable {
        var dotted: String
        var defaultLiteral: String?
    }

    /// Every row of OPERATIONS.md's `| key | flag | default | meaning |` tables. A row may document
    /// several keys (`a.x` / `a.y`) with as many defaults.
    static func documentedKeys() throws -> [DocumentedKey] {
        let text = try String(contentsOfFile: packageRoot() + "/docs/OPERATIONS.md", encoding: .utf8)
        var keys: [DocumentedKey] = []
        var inKeyTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard line.hasPrefix("|"), cells.count >= 5 else {
                inKeyTable = false
                continue
            }
            if cells[1] == "key" && cells[2] == "flag" && cells[3] == "default" {
                inKeyTable = true
                continue
            }
            guard inKeyTable, cells[1].hasPrefix("`") else { continue }
            let names = cells[1].components(separatedBy: " / ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            let defaults = cells[3].components(separatedBy: " / ")
            for (index, name) in names.enumerated() {
                let dotted = name.hasPrefix("[[") ? String(name.dropFirst(2).dropLast(2)) : name
                var literal: String? = nil
                if defaults.count == names.count, defaults[index].hasPrefix("`"), defaults[index].hasSuffix("`") {
                    literal = String(defaults[index].dropFirst().dropLast())
                }
                keys.append(DocumentedKey(dotted: dotted, defaultLiteral: literal))
            }
        }
        return keys
    }

    @Test("every declared key is documented, and every documented key is declared")
    func documentedAsDeclared() throws {
        let documented = try Self.documentedKeys().map(\.dotted)
        let declared = ServerConfiguration.keys.map(\.dotted)
        #expect(Set(declared).count == declared.count, "a key is declared twice")
        #expect(Set(documented).count == documented.count, "a key is documented twice")
        #expect(Set(declared).subtracting(documented).sorted() == [], "declared but missing from docs/OPERATIONS.md")
        #expect(Set(documented).subtracting(declared).sorted() == [], "documented but unknown to the daemon")
    }

    @Test("each documented default, written into a file, leaves the configuration at its defaults")
    func documentedDefaultsHold() throws {
        let documented = try Self.documentedKeys().filter { $0.defaultLiteral != nil }
        #expect(documented.count >= 50, "the default column should be checkable for most keys")
        for key in documented {
            let parts = key.dotted.split(separator: ".", maxSplits: 1)
            let toml = "[\(parts[0])]\n\(parts[1]) = \(key.defaultLiteral!)\n"
            let parsed = try ServerConfiguration.parse(toml: toml)
            #expect(parsed == ServerConfiguration(), "docs/OPERATIONS.md's default of \(key.dotted) is not the code's")
        }
    }

    @Test("an unknown key and an unknown section are refused with the declared names")
    func unknownNamesRefused() {
        #expect(
            throws: ConfigurationError(
                code: .unknownKey, key: "limits.max_session",
                message: "unknown key; expected one of "
                    + ServerConfiguration.keys.filter { $0.section == "limits" }.map(\.name).sorted().joined(separator: ", "))
        ) {
            try ServerConfiguration.parse(toml: "[limits]\nmax_session = 3\n")
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.parse(toml: "[gsmrr]\nsolver = \"apo\"\n") }
    }
}
