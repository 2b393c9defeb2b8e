import Logging

/// Parses the `log.level` names of swift-log.
enum LogLevelName {
    static let allNames = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    static func parse(_ name: String) -> Logger.Level? { Logger.Level(rawValue: name.lowercased()) }
}
