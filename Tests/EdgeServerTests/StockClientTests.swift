import Foundation
import Testing

@testable import EdgeServer

/// Runs a command-line tool, returning its exit status and output (stdout + stderr).
func runTool(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    // The tool talks to a daemon whose connection tasks run on the cooperative pool (two
    // threads on this machine): waiting for it there would starve the daemon, so wait on a
    // Dispatch thread instead.
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }
    }
}

/// The path of a tool on $PATH, or nil.
func findTool(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite("Stock HTTP clients (curl, h2load, openssl)")
struct StockClientTests {
    @Test(
        "curl --http2-prior-knowledge reads /healthz and /metrics; curl --http1.1 reads /healthz",
        .enabled(if: findTool("curl") != nil, "curl is not installed (make deps installs it)"))
    func curl() async throws {
        let daemon = try await TestDaemon.start()
        let curl = findTool("curl")!
        let base = "http://127.0.0.1:\(daemon.httpPort)"
        let h2 = try await runTool(curl, ["-sS", "--http2-prior-knowledge", "-w", "%{http_version} %{http_code}", "\(base)/healthz"])
        #expect(h2.status == 0)
        #expect(h2.output == "ok\n2 200")
        let metrics = try await runTool(curl, ["-sS", "--http2-prior-knowledge", "\(base)/metrics"])
        #expect(metrics.status == 0)
        #expect(metrics.output.contains("edge_connections_total"))
        let h1 = try await runTool(curl, ["-sS", "--http1.1", "-w", "%{http_version} %{http_code}", "\(base)/healthz"])
        #expect(h1.output == "ok\n1.1 200")
        try await daemon.stop()
    }

    @Test(
        "h2load completes a short run against /healthz with zero failed requests",
        .enabled(if: findTool("h2load") != nil, "h2load is not installed (Debian nghttp2-client; make deps installs it)"))
    func h2load() async throws {
        let daemon = try await TestDaemon.start()
        let result = try await runTool(findTool("h2load")!, ["-n", "2000", "-c", "4", "-m", "8", "http://127.0.0.1:\(daemon.httpPort)/healthz"])
        #expect(result.status == 0)
        #expect(result.output.contains("2000 succeeded, 0 failed, 0 errored"), "\(result.output)")
        try await daemon.stop()
    }

    @Test(
        "with a certificate, h2 is negotiated over TLS by ALPN (and http/1.1 still works)",
        .enabled(if: findTool("curl") != nil && findTool("openssl") != nil, "curl or openssl is not installed"))
    func tls() async throws {
        let directory = TestDaemon.temporaryDirectory()
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let made = try await runTool(
            findTool("openssl")!,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-keyout", key, "-out", certificate,
            ])
        try #require(made.status == 0, "\(made.output)")
        let daemon = try await TestDaemon.start {
            $0.tlsCertificatePath = certificate
            $0.tlsPrivateKeyPath = key
        }
        let url = "https://127.0.0.1:\(daemon.httpPort)/healthz"
        let h2 = try await runTool(findTool("curl")!, ["-sS", "-k", "--http2", "-w", "%{http_version} %{http_code}", url])
        #expect(h2.output == "ok\n2 200")
        let h1 = try await runTool(findTool("curl")!, ["-sS", "-k", "--http1.1", "-w", "%{http_version} %{http_code}", url])
        #expect(h1.output == "ok\n1.1 200")
        try await daemon.stop()
    }

    @Test(
        "deploy/edge-serverd.service passes systemd-analyze verify",
        .enabled(if: findTool("systemd-analyze") != nil, "systemd-analyze is not installed (Debian systemd)"))
    func systemdUnit() async throws {
        let unit = packageRoot() + "/deploy/edge-serverd.service"
        let result = try await runTool(findTool("systemd-analyze")!, ["verify", unit])
        // verify complains that ExecStart's binary is missing when edge-serverd is not installed
        // in /usr/local/bin; everything else it reports is a real problem with the unit.
        let problems = result.output.split(separator: "\n").filter { !$0.contains("/usr/local/bin/edge-serverd") }
        #expect(problems.isEmpty, "\(result.output)")
    }
}

/// The package's root folder (this file is Tests/EdgeServerTests/…).
func packageRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
