import Foundation
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import EdgeServer

@Suite("HTTP/2 operations routes (once a fast path, now nghttp2 streams like every route)")
struct HTTP2FastPathTests {
    private static func headers(_ method: String, _ path: String) -> HPACKHeaders {
        [":method": method, ":path": path, ":scheme": "http", ":authority": "localhost"]
    }

    /// `edge_http_responses_total` as `/metrics` reports it, per (route, status, count).
    static func expectResponses(on client: H2FrameClient, _ expected: [(String, String, Int)]) async throws {
        let metrics = try await client.request("GET", "/metrics").text
        for (route, status, count) in expected {
            #expect(metrics.contains("edge_http_responses_total{route=\"\(route)\",status=\"\(status)\"} \(count)"), "\(route) \(status)")
        }
    }

    @Test("over h2c: fast-path answers carry status, content-type, content-length and body; HEAD and unknown routes get the router's 404")
    func responsesOverH2() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await H2FrameClient.connect(port: daemon.httpPort)
        let health = try await client.request("GET", "/healthz")
        #expect(health.status == "200" && health.text == "ok\n")
        #expect(health.headers.first(name: "content-type") == "text/plain; charset=utf-8")
        #expect(health.headers.first(name: "content-length") == "3")
        let status = try await client.request("GET", "/v1/status")
        #expect(status.status == "200" && status.headers.first(name: "content-type") == "application/json")
        #expect(status.headers.first(name: "content-length") == String(status.body.readableBytes) && status.text.hasPrefix("{"))
        let head = try await client.request("HEAD", "/healthz")
        #expect(head.status == "404" && head.body.readableBytes == 0)
        let unknown = try await client.request("GET", "/nope")
        #expect(unknown.status == "404" && unknown.text == "no route for GET /nope\n")
        // The same route with a request body takes the ordinary stream path and answers alike.
        let withBody = try await client.request("GET", "/healthz", body: ByteBuffer(string: "x"))
        #expect(withBody.status == "200" && withBody.text == "ok\n" && withBody.headers.first(name: "content-length") == "3")
        try await Self.expectResponses(on: client, [("healthz", "200", 2), ("not_found", "404", 2)])
        await client.close()
        try await daemon.stop()
    }

    @Test("concurrent streams on one connection mix fast-path and routed requests; each gets its own answer")
    func concurrentMixedStreams() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await H2FrameClient.connect(port: daemon.httpPort)
        let auth = [("authorization", "Bearer \(TestDaemon.token)")]
        // (method, path, headers, expected status, expected body prefix)
        let kinds: [(String, String, [(String, String)], String, String)] = [
            ("GET", "/healthz", [], "200", "ok\n"),
            ("GET", "/v1/status", [], "200", "{"),
            ("GET", "/metrics", [], "200", "# TYPE"),
            ("GET", "/nope", [], "404", "no route"),
            ("HEAD", "/healthz", [], "404", ""),
            ("GET", "/v1/uploads/c1/7", auth, "404", "unknown_upload"),
            // An ERROR payload (binary), so only the status is compared here.
            ("GET", "/v1/uploads/c1/7", [], "401", ""),
        ]
        let rounds = 12
        var futures: [(Int, EventLoopFuture<H2FrameClient.Response>)] = []
        for round in 0..<rounds {
            for (index, kind) in kinds.enumerated() {
                futures.append((index, client.send(kind.0, kind.1 + (round.isMultiple(of: 2) ? "" : "?round=\(round)"), headers: kind.2)))
            }
        }
        for (index, future) in futures {
            let response = try await future.get()
            let (method, path, _, status, prefix) = kinds[index]
            #expect(response.status == status, "\(method) \(path)")
            #expect(response.text.hasPrefix(prefix), "\(method) \(path): \(response.text.prefix(60))")
            #expect(
                response.headers.first(name: "content-length").flatMap(Int.init) == (method == "HEAD" ? nil : response.body.readableBytes)
                    || method == "HEAD")
        }
        try await Self.expectResponses(on: client, [("healthz", "200", rounds), ("status", "200", rounds)])
        await client.close()
        try await daemon.stop()
    }

    @Test(
        "a graceful shutdown while fast-path requests are in flight: each is answered in full or refused unprocessed, and the connection closes before the grace period ends"
    )
    func goAwayDrain() async throws {
        let daemon = try await TestDaemon.start { $0.shutdownGraceSeconds = 8 }
        let client = try await H2FrameClient.connect(port: daemon.httpPort)
        for future in (0..<50).map({ _ in client.send("GET", "/healthz") }) {
            #expect(try await future.get().text == "ok\n")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let stopping = Task { try await daemon.stop() }
        // Bursts of concurrent requests until the client learns of the GOAWAY. swift-nio-http2
        // refuses (REFUSED_STREAM: not processed, safe to retry) every stream opened after its
        // first GOAWAY, so a stream is either answered in full or refused, never cut short.
        var answered: [HTTP2StreamID] = []
        var refused: [HTTP2StreamID] = []
        var goneAway = false
        while !goneAway && refused.isEmpty && clock.now - started < .seconds(5) {
            for future in (0..<10).map({ _ in client.send("GET", "/healthz") }) {
                do {
                    let response = try await future.get()
                    #expect(response.status == "200" && response.text == "ok\n")
                    answered.append(response.streamID)
                } catch let reset as H2FrameClient.ResetError {
                    #expect(reset.code == .refusedStream)
                    refused.append(reset.streamID)
                } catch is H2FrameClient.GoingAway {
                    goneAway = true
                }
            }
        }
        #expect((answered.max() ?? .rootStream) < (refused.min() ?? .maxID), "answered \(answered), refused \(refused)")
        try await stopping.value
        try await client.channel.closeFuture.get()
        // The manager closes the connection once its stream count is zero: fast-path streams
        // that were opened but never counted as closed would hold it until the grace period.
        #expect(clock.now - started < .seconds(4))
        #expect(try await client.goAways().first == HTTP2StreamID.maxID)
        await client.close()
    }

    @Test("a connection idle after fast-path requests gets GOAWAY and is closed after the idle timeout")
    func idleTimeout() async throws {
        let daemon = try await TestDaemon.start { $0.limits.idleTimeoutSeconds = 1 }
        let client = try await H2FrameClient.connect(port: daemon.httpPort)
        let clock = ContinuousClock()
        let sentAt = clock.now
        for future in (0..<20).map({ _ in client.send("GET", "/healthz") }) {
            #expect(try await future.get().text == "ok\n")
        }
        let idleSince = clock.now
        let closed = Task { try await client.channel.closeFuture.get() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(5))
            await client.close()
        }
        try await closed.value
        watchdog.cancel()
        // The server's timer starts when its last stream closes: after the requests went out
        // and before the client saw the last answer.
        let closedAt = clock.now
        #expect(closedAt - sentAt >= .seconds(1), "closed \(closedAt - sentAt) after the requests were sent")
        #expect(closedAt - idleSince < .seconds(4), "closed \(closedAt - idleSince) after the last answer")
        #expect(try await client.goAways().first == HTTP2StreamID.maxID)
        try await daemon.stop()
    }
}
