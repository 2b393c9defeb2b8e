import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// Debian's `chromium` in headless mode, driven over the Chrome DevTools Protocol: a WebSocket
/// (swift-nio's client upgrader) to the page target, commands as JSON with ids.
final class HeadlessChromium {
    /// The browser binary: `SPLATEDGE_CHROMIUM`, else the first of the usual Debian paths.
    static let executable: String? = {
        let candidates = [ProcessInfo.processInfo.environment["SPLATEDGE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Why the browser tests cannot run here, or nil when they can: no binary, or one that does
    /// not start headless (`--version` fails).
    static let unavailableReason: String? = {
        guard let executable else { return "Chromium is not installed (make deps installs Debian's chromium)" }
        guard let run = try? EndToEndProcesses.runToCompletion(executable, ["--headless", "--no-sandbox", "--version"]), run.status == 0 else {
            return "\(executable) does not start headless"
        }
        return nil
    }()

    enum Failure: Error, CustomStringConvertible {
        case noDevToolsPort, noPage, notUpgraded, protocolError(String), closed

        var description: String {
            switch self {
            case .noDevToolsPort: "chromium wrote no DevToolsActivePort within 30 s"
            case .noPage: "chromium lists no page target"
            case .notUpgraded: "the DevTools WebSocket upgrade was refused"
            case .protocolError(let message): "DevTools: \(message)"
            case .closed: "the DevTools connection closed"
            }
        }
    }

    private let process: Process
    private let profile: URL
    let port: Int
    private let browserPath: String

    /// Starts the browser on an empty page with a `width`×`height` window.
    init(width: Int = 1400, height: Int = 1000) async throws {
        profile = try EndToEndProcesses.scratch("chromium-profile")
        process = try EndToEndProcesses.start(
            Self.executable!,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--remote-debugging-port=0", "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)", "about:blank",
            ])
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        var endpoint: (port: Int, path: String)?
        for _ in 0..<300 where endpoint == nil {
            // "<port>\n/devtools/browser/<id>", once the browser listens.
            if let lines = try? String(contentsOf: portFile, encoding: .utf8).split(separator: "\n"), lines.count == 2, let port = Int(lines[0]) {
                endpoint = (port, String(lines[1]))
            }
            if endpoint == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard let endpoint else {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: profile)
            throw Failure.noDevToolsPort
        }
        (port, browserPath) = endpoint
    }

    /// Ends the browser (by its pid) and removes its profile.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: profile)
    }

    /// Runs `body` with a DevTools session on the browser's page (attached through the
    /// browser's own endpoint, as flat session).
    func withPage<Result>(_ body: (inout DevToolsPage) async throws -> Result) async throws -> Result {
        let channel = try await Self.connect(port: port, path: browserPath)
        return try await channel.executeThenClose { inbound, outbound in
            var session = DevToolsPage(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            let targets = try await session.call("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
            guard let page = targets.first(where: { $0["type"] as? String == "page" })?["targetId"] as? String else { throw Failure.noPage }
            session.sessionID = try await session.call("Target.attachToTarget", ["targetId": page, "flatten": true])["sessionId"] as? String
            _ = try await session.call("Page.enable")
            return try await body(&session)
        }
    }

    private enum Upgrade {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    private static func connect(port: Int, path: String) async throws -> NIOAsyncChannel<WebSocketFrame, WebSocketFrame> {
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Screenshots arrive as one base64 text frame of a few MB.
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: 1 << 26) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            .websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                        }
                    }
                    let head = HTTPRequestHead(
                        version: .http1_1, method: .GET, uri: path, headers: ["host": "127.0.0.1:\(port)", "content-length": "0"])
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: head, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { $0.eventLoop.makeSucceededFuture(.refused) })
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration))
                }
            }
        guard case .websocket(let channel) = try await upgrade.get() else { throw Failure.notUpgraded }
        return channel
    }
}

/// One DevTools session: commands answered in order of their ids (events in between skipped).
struct DevToolsPage {
    var inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private var nextID = 1
    /// The page's flat session on the browser connection (nil: browser-level commands).
    var sessionID: String?

    init(inbound: NIOAsyncChannelInboundStream<WebSocketFrame>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends `method` with `params` and returns its `result`.
    mutating func call(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let sessionID { message["sessionId"] = sessionID }
        let command = try JSONSerialization.data(withJSONObject: message)
        try await outbound.write(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(bytes: command)))
        var received = ByteBuffer()
        while let frame = try await inbound.next() {
            switch frame.opcode {
            case .text, .continuation:
                var data = frame.unmaskedData
                received.writeBuffer(&data)
                guard frame.fin else { continue }
                defer { received.clear() }
                guard let object = try JSONSerialization.jsonObject(with: Data(received.readableBytesView)) as? [String: Any],
                    object["id"] as? Int == id
                else { continue }
                if let error = object["error"] as? [String: Any] { throw HeadlessChromium.Failure.protocolError("\(method): \(error)") }
                return object["result"] as? [String: Any] ?? [:]
            case .connectionClose:
                throw HeadlessChromium.Failure.closed
            default:
                continue
            }
        }
        throw HeadlessChromium.Failure.closed
    }

    /// Loads `url` in the page.
    mutating func navigate(_ url: String) async throws {
        _ = try await call("Page.navigate", ["url": url])
    }

    /// The value of a JavaScript expression in the page (a JSON-compatible value).
    mutating func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw HeadlessChromium.Failure.protocolError("evaluate: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// A PNG of the page as it is drawn now.
    mutating func screenshot() async throws -> Data {
        let result = try await call("Page.captureScreenshot", ["format": "png"])
        return Data(base64Encoded: result["data"] as? String ?? "") ?? Data()
    }
}
