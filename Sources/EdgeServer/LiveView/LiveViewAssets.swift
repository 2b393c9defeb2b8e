import Foundation

/// The page's files (HTML, CSS, plain JavaScript), shipped as the EdgeServer target's SwiftPM
/// resources (`LiveView/Resources`, copied next to the executable as
/// `splatedge_EdgeServer.resources/`) and read once at start.
///
/// Looked up by hand rather than through `Bundle.module`, which stops the process when the
/// bundle is missing: a daemon installed without it serves everything else and answers the
/// view's routes with 503.
struct LiveViewAssets: Sendable {
    /// A file and its content type.
    struct Asset: Sendable {
        var contentType: String
        var bytes: [UInt8]
    }

    static let bundleName = "splatedge_EdgeServer.resources"
    static let files: [String: String] = [
        "index.html": "text/html; charset=utf-8", "login.html": "text/html; charset=utf-8",
        "app.js": "text/javascript; charset=utf-8", "login.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
    ]

    private let assets: [String: Asset]

    /// The page's files from the resource bundle in `directory` (by default, the one holding
    /// this process's executable, symbolic links resolved); throws when a file is missing.
    init(directory: URL = Self.executableDirectory) throws {
        let directory = directory.appendingPathComponent(Self.bundleName).appendingPathComponent("Resources")
        var assets: [String: Asset] = [:]
        for (name, type) in Self.files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            assets[name] = Asset(contentType: type, bytes: Array(bytes))
        }
        self.assets = assets
    }

    subscript(name: String) -> Asset? { assets[name] }

    /// Where the running executable lies (`/proc/self/exe` on Linux, symbolic links resolved).
    static var executableDirectory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        return URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
