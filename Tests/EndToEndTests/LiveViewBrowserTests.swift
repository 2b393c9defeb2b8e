import Foundation
import Testing

/// The live view in a real browser: a real `edge-serverd` with `client-sim` robots and users on
/// loopback, the page loaded in headless Chromium through its login form, and the DOM checked
/// for every connected client with values that change from slot to slot and images that
/// loaded. A screenshot is saved (`SPLATEDGE_VIEW_SCREENSHOT`, else
/// `.build/live-view-browser-test.png`).
@Suite(.serialized)
struct LiveViewBrowserTests {
    typealias P = EndToEndProcesses

    /// What the page shows, read from its DOM (the page writes it into data attributes).
    struct PageSnapshot: Decodable {
        struct Row: Decodable {
            var client: String
            var role: String
            var updates: Int
            var slot: Int
            var power: String
            var loaded: Int
            var width: Int
        }

        var events: Int
        var bytes: Int
        var lagMs: Int
        var charts: Int
        var rows: [Row]

        static let expression = """
            JSON.stringify({
              events: +document.body.dataset.events, bytes: +document.body.dataset.bytes, lagMs: +(document.body.dataset.lagMs ?? -1),
              charts: document.querySelectorAll("canvas").length,
              rows: [...document.querySelectorAll("#clients tbody tr")].map((r) => ({
                client: r.dataset.client, role: r.dataset.role, updates: +r.dataset.updates, slot: +(r.dataset.slot ?? -1),
                power: r.cells[4].textContent, loaded: +r.querySelector("img").dataset.loaded,
                width: +(r.querySelector("img").dataset.width ?? 0) })) })
            """

        static func read(_ page: inout DevToolsPage) async throws -> PageSnapshot? {
            guard let text = try await page.evaluate(expression) as? String else { return nil }
            return try JSONDecoder().decode(PageSnapshot.self, from: Data(text.utf8))
        }
    }

    static let token = "view-test-token"

    @Test(
        "every connected client appears in the page with updating values and loaded images",
        .enabled(if: HeadlessChromium.unavailableReason == nil, "\(HeadlessChromium.unavailableReason ?? "")"))
    func everyClientAppearsAndUpdates() async throws {
        guard let daemon = P.executable("edge-serverd"), let client = P.executable("client-sim") else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        let work = try P.scratch("view")
        defer { try? FileManager.default.removeItem(at: work) }
        let (port, httpPort) = (P.freePort(), P.freePort())
        let config = work.appendingPathComponent("edge.toml")
        try "[irac]\nprobe_size = \"32x24\"\nframe_size = \"64x48\"\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try P.start(
            daemon,
            [
                "--config", config.path, "--slot-ms", "200", "--binary-port", String(port), "--http-port", String(httpPort),
                "--data-dir", work.path + "/data", "--token", Self.token, "--log-level", "warning", "--world-gaussians", "2000",
                "--threads", "1",
            ])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await P.waitForListener(port: port)
        let common = [
            "--server", "127.0.0.1:\(port)", "--token", Self.token, "--duration", "60", "--world-gaussians", "2000",
            "--out", work.path + "/reports", "--image-size", "64x48", "--frame-size", "64x48",
        ]
        let clients = try [
            P.start(client, ["--role", "robot", "--count", "2"] + common),
            P.start(client, ["--role", "user", "--count", "2"] + common),
        ]
        defer { for process in clients where process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let browser = try await HeadlessChromium()
        defer { browser.stop() }
        let base = "http://127.0.0.1:\(httpPort)"
        let (first, second, expected) = try await browser.withPage { page -> (PageSnapshot, PageSnapshot, Set<String>) in
            try await Self.logIn(&page, base: base, token: Self.token)

            // Wait until all four clients are connected, planned and shown with an image.
            var snapshot: PageSnapshot?
            var expected: Set<String> = []
            for _ in 0..<120 {
                expected = try await Self.connectedClients(&page)
                snapshot = try await PageSnapshot.read(&page)
                if let rows = snapshot?.rows, expected.count == 4, Set(rows.map(\.client)) == expected,
                    rows.allSatisfy({ $0.updates >= 2 && $0.loaded >= 1 && $0.width > 0 })
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await Task.sleep(for: .seconds(3))
            let later = try await PageSnapshot.read(&page)
            try await Self.saveScreenshot(&page)
            return (try #require(snapshot), try #require(later), expected)
        }

        // Every connected client (the daemon's own list) is a row, robots and users both.
        #expect(expected.count == 4)
        #expect(Set(first.rows.map(\.client)) == expected)
        #expect(Set(second.rows.map(\.client)) == expected)
        #expect(first.rows.filter { $0.role == "robot" }.count == 2 && first.rows.filter { $0.role == "user" }.count == 2)
        // Values update: each row moved on to later slots, and events kept arriving.
        for row in second.rows {
            let before = try #require(first.rows.first { $0.client == row.client })
            #expect(row.updates > before.updates, "\(row.client) did not update")
            #expect(row.slot > before.slot)
            #expect(Double(row.power) != nil, "\(row.client) shows no power")
            #expect(row.loaded >= 1 && row.width > 0, "\(row.client)'s image did not load")
        }
        #expect(second.events > first.events && second.bytes > first.bytes)
        #expect(second.charts == 3)
        for process in clients { kill(process.processIdentifier, SIGTERM) }
        kill(server.processIdentifier, SIGTERM)
        #expect(try await P.wait(server) == 0)
    }

    /// A screenshot of the page of a daemon already running (`make demo` with `DEMO_SCREENSHOT`
    /// runs this): `SPLATEDGE_VIEW_URL` and `SPLATEDGE_VIEW_TOKEN` name it; the screenshot is taken
    /// once every row has an image (or some have, after 10 s), then
    /// `SPLATEDGE_VIEW_MEASURE_SECONDS` (default 2) of ``measure(_:seconds:)`` later.
    @Test(
        "screenshot of a running daemon's live view",
        .enabled(if: ProcessInfo.processInfo.environment["SPLATEDGE_VIEW_URL"] != nil, "set SPLATEDGE_VIEW_URL to take one"),
        .enabled(if: HeadlessChromium.unavailableReason == nil, "\(HeadlessChromium.unavailableReason ?? "")"))
    func screenshotOfRunningDaemon() async throws {
        let environment = ProcessInfo.processInfo.environment
        let base = try #require(environment["SPLATEDGE_VIEW_URL"]).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let browser = try await HeadlessChromium()
        defer { browser.stop() }
        try await browser.withPage { page in
            try await Self.logIn(&page, base: base, token: environment["SPLATEDGE_VIEW_TOKEN"] ?? "")
            // Every row with an image, or (many clients: 8 images a second in all) some after 10 s.
            for step in 0..<60 {
                if let rows = try await PageSnapshot.read(&page)?.rows, rows.contains(where: { $0.loaded >= 1 }),
                    step >= 20 || rows.allSatisfy({ $0.loaded >= 1 })
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await Self.measure(&page, seconds: Double(environment["SPLATEDGE_VIEW_MEASURE_SECONDS"] ?? "") ?? 2)
            try await Self.saveScreenshot(&page)
        }
    }

    /// Prints what the page received and how responsive it stayed over `seconds`: the stream's
    /// data rate, events per second, the page's main-thread lag (how late a 100 ms timer fired,
    /// worst of the last 10 s) and the worst round trip of a DOM query through DevTools.
    static func measure(_ page: inout DevToolsPage, seconds: Double) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let first = try #require(try await PageSnapshot.read(&page))
        var worstQuery = Duration.zero, worstLag = first.lagMs
        var last = first
        while clock.now - start < .seconds(seconds) {
            try await Task.sleep(for: .milliseconds(500))
            let asked = clock.now
            last = try #require(try await PageSnapshot.read(&page))
            worstQuery = max(worstQuery, clock.now - asked)
            worstLag = max(worstLag, last.lagMs)
        }
        let elapsed = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) * 1e-18
        let rate = Double(last.bytes - first.bytes) / elapsed
        let events = Double(last.events - first.events) / elapsed
        let queryMs = Double(worstQuery.components.attoseconds) * 1e-15 + Double(worstQuery.components.seconds) * 1000
        print(
            String(
                format:
                    "live view measurement: %d rows (%d with an image), %.1f kB/s stream, %.2f events/s, main-thread lag max %d ms, DOM query round trip max %.0f ms, over %.1f s",
                last.rows.count, last.rows.filter { $0.loaded >= 1 }.count, rate / 1000, events, worstLag, queryMs, elapsed))
    }

    /// Opens the page, which without credentials is the login form, and logs in with `token`.
    static func logIn(_ page: inout DevToolsPage, base: String, token: String) async throws {
        try await page.navigate(base + "/")
        // The form is parsed before its deferred script attaches the submit handler: a submit in
        // between would be the browser's own (a reload), so wait until the page has loaded.
        #expect(try await poll(&page, "document.readyState === 'complete' && document.getElementById('login') !== null") == true)
        _ = try await page.evaluate("document.getElementById('token').value = '\(token)'; document.getElementById('login').requestSubmit(); true")
        #expect(try await poll(&page, "document.getElementById('clients') !== null") == true)
    }

    /// Saves the page as PNG to `SPLATEDGE_VIEW_SCREENSHOT` (default `.build/live-view-browser-test.png`).
    static func saveScreenshot(_ page: inout DevToolsPage) async throws {
        let screenshot = try await page.screenshot()
        let path = ProcessInfo.processInfo.environment["SPLATEDGE_VIEW_SCREENSHOT"] ?? "\(P.root)/.build/live-view-browser-test.png"
        try screenshot.write(to: URL(fileURLWithPath: path))
        #expect(screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    /// Evaluates `condition` every 250 ms until it is true (up to 20 s). An evaluation cut off
    /// because the page navigated (the login form's script loads the view with
    /// `location.assign`) counts as not yet true.
    static func poll(_ page: inout DevToolsPage, _ condition: String) async throws -> Bool {
        for _ in 0..<80 {
            do {
                if try await page.evaluate(condition) as? Bool == true { return true }
            } catch HeadlessChromium.Failure.protocolError(let message) where message.contains("navigated or closed") {
                // The next evaluation runs in the new document.
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// The client ids the daemon has attached sessions for, from `GET /ui/state` (fetched by
    /// the logged-in page, apart from its event stream).
    static func connectedClients(_ page: inout DevToolsPage) async throws -> Set<String> {
        let ids =
            try await page.evaluate(
                """
                fetch("/ui/state").then((r) => r.json()).then((s) => s.clients.filter((c) => c.connected).map((c) => c.client))
                """) as? [String]
        return Set(ids ?? [])
    }
}
