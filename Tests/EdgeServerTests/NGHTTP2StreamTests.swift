import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import EdgeServer

/// How an HTTP/2 stream turns the header fields nghttp2 hands it into the request head the
/// router reads (RFC 9113 §8.3.1: `:authority` stands for `host`).
@Suite("An HTTP/2 stream's request head")
struct NGHTTP2StreamTests {
    @Test(
        "`:authority` becomes the one `host` field (replacing a `host` the client also sent); other fields keep their order",
        arguments: [false, true])
    func authorityIsHost(clientSentHost: Bool) async throws {
        let daemon = try await TestDaemon.start()
        let router = daemon.router()
        let channel = EmbeddedChannel()
        let admission = try #require(ConnectionGate(maxConnections: 1, maxUnauthenticated: 1).admit(channel, handshakeTimeout: .seconds(60)))
        let makeHandler = { HTTPRequestHandler(router: router, maxBodyBytes: 1024, isHTTP2Stream: true, admission: admission) }
        let connection = NGHTTP2ConnectionHandler(settings: .init(), makeRequestHandler: makeHandler)
        try channel.pipeline.syncOperations.addHandler(connection)
        let stream = NGHTTP2Stream(id: 1, connection: connection, handler: makeHandler())

        var fields = [(":method", "POST"), (":scheme", "http"), (":authority", "edge.example:8443"), (":path", "/v1/status?x=1")]
        if clientSentHost { fields.append(("host", "elsewhere.example")) }
        fields += [("user-agent", "a-client-whose-name-is-long/1.0"), ("splatedge-type", "POSE")]
        for (name, value) in fields {
            let accepted = Array(name.utf8).withUnsafeBufferPointer { name in
                Array(value.utf8).withUnsafeBufferPointer { value in stream.addField(name: name, value: value, limit: 16 * 1024) }
            }
            #expect(accepted)
        }
        let head = stream.takeRequestHead()
        #expect(head.method == .POST)
        #expect(head.uri == "/v1/status?x=1")
        #expect(head.version == HTTPVersion(major: 2, minor: 0))
        #expect(head.headers.map(\.name) == ["user-agent", "splatedge-type", "host"])
        #expect(head.headers["host"] == ["edge.example:8443"])
        #expect(head.headers["user-agent"] == ["a-client-whose-name-is-long/1.0"])
        _ = try? channel.finish(acceptAlreadyClosed: true)
        try await daemon.stop()
    }
}
