import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

/// One regression test per defect an outside tester found: legal values that trapped, tokens
/// that could act as other clients, and answers that disagreed with docs/PROTOCOL.md.
@Suite("Hardening: legal values, authorisation, protocol agreement")
struct HardeningTests {
    /// The daemon still answers on both transports.
    private static func expectAlive(_ daemon: TestDaemon) async throws {
        let (connection, _) = try await daemon.session("alive-\(UInt32.random(in: 0...UInt32.max))")
        _ = try await connection.ping()
        await connection.close()
        let http = try await daemon.http()
        #expect(try await http.request(.GET, "/healthz").status == 200)
        await http.close()
    }

    private static func expectError(_ frame: WireFrame, _ code: ProtocolError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .error(let error) = frame.message else {
            Issue.record("expected ERROR \(code), got \(frame.message.type)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    }

    @Test("binary: total_size and offsets ≥ 2^63 are upload_size, not a trap")
    func hugeUploadNumbersOverTCP() async throws {
        let daemon = try await TestDaemon.start()
        let (connection, _) = try await daemon.session("uploader")
        let digest = [UInt8](repeating: 7, count: 32)
        for size in [UInt64(1) << 63, .max, (UInt64(1) << 63) - 1] {
            Self.expectError(
                try await connection.request(.uploadBegin(UploadBegin(uploadID: 1, totalSize: size, sha256: digest, kind: .dataset, name: "d"))),
                .uploadSize)
        }
        #expect(try await connection.beginUpload(UploadBegin(uploadID: 2, totalSize: 10, sha256: digest, kind: .dataset, name: "d")) == 0)
        // offset + length past u64 is the codec's invalid_value (its own test); these are the largest legal ones.
        for offset: UInt64 in [1 << 63, .max - 2, (1 << 63) + 12345] {
            Self.expectError(
                try await connection.request(.uploadChunk(UploadChunk(uploadID: 2, offset: offset, data: ByteBuffer(bytes: [1, 2])))), .uploadSize)
        }
        await connection.close()
        try await Self.expectAlive(daemon)
        try await daemon.stop()
    }

    @Test("HTTP: upload-length and upload-offset ≥ 2^63 are 413, not a trap")
    func hugeUploadNumbersOverHTTP() async throws {
        let daemon = try await TestDaemon.start()
        let http = try await daemon.http()
        let digest = String(repeating: "ab", count: 32)
        for length in ["9223372036854775808", "18446744073709551615"] {
            let response = try await http.request(.POST, "/v1/uploads/c1/1", headers: ["upload-length": length, "upload-sha256": digest])
            #expect(response.status == 413)
        }
        #expect(try await http.request(.POST, "/v1/uploads/c1/2", headers: ["upload-length": "4", "upload-sha256": digest]).status == 200)
        for offset in ["9223372036854775808", "18446744073709551615"] {
            #expect(try await http.request(.PATCH, "/v1/uploads/c1/2", headers: ["upload-offset": offset], body: [1, 2]).status == 413)
        }
        await http.close()
        try await Self.expectAlive(daemon)
        try await daemon.stop()
    }

    @Test("poses: coordinates past ±100 km are invalid_value with their request id; extreme quaternions are normalised")
    func extremePoses() async throws {
        let daemon = try await TestDaemon.start()
        for z in [1e17, 1e300, -1e300] {
            let (connection, _) = try await daemon.session("far-robot")
            try await connection.sendRaw(WireFuzzer.rawPose(requestID: 31, position: SIMD3(0, 0, z), orientation: SIMD4(0, 0, 0, 1)))
            let answer = try #require(try await nextPush(connection))
            Self.expectError(answer, .invalidValue)
            #expect(answer.requestID == 31)
            await connection.close()
        }
        let (connection, _) = try await daemon.session("spinning-robot")
        for q in [SIMD4<Double>(1e-200, 0, 1e-200, 0), SIMD4(1e300, 1e300, -1e300, 1e300), SIMD4(.leastNonzeroMagnitude, 0, 0, 0)] {
            try await connection.sendRaw(WireFuzzer.rawPose(requestID: 0, position: SIMD3(1e5, -1e5, 0), orientation: q))
        }
        _ = try await connection.ping()
        let session = try #require(daemon.server.sessions.session(clientID: "spinning-robot"))
        guard case .pose(let report) = session.snapshot.latest[.pose] else { throw SplatClientError.closed }
        let q = report.pose.orientation
        #expect(abs((q * q).sum() - 1) < 1e-12)
        // What the slot loop derives from such a pose stays finite and does not trap.
        _ = PoseKey(report.pose)
        _ = MemoryBiasMap(cellMetres: 0.5, prior: 0.1).cell(of: report.pose)
        await connection.close()
        try await Self.expectAlive(daemon)
        try await daemon.stop()
    }

    private static func grantedDaemon() async throws -> TestDaemon {
        try await TestDaemon.start { configuration in
            configuration.tokenGrants = [
                TokenGrant(token: "token-a", clients: [.prefix("robot-a")], roles: [.robot, .collector]),
                TokenGrant(token: "token-b", clients: [.exact("robot-b")]),
            ]
        }
    }

    @Test("binary: a token cannot open, resume or replace another client's session")
    func bindingOverTCP() async throws {
        let daemon = try await Self.grantedDaemon()
        let (owner, _) = try await daemon.session("robot-b", token: "token-b")
        let intruder = try await daemon.connect()
        await #expect(throws: SplatClientError.self) {
            _ = try await intruder.hello(Hello(role: .robot, clientID: "robot-b", token: "token-a"))
        }
        // The owner's session is untouched: not replaced, still answering.
        _ = try await owner.ping()
        #expect(daemon.server.sessions.session(clientID: "robot-b")?.isAttached == true)
        // A grant's roles bind too.
        let wrongRole = try await daemon.connect()
        await #expect(throws: SplatClientError.self) {
            _ = try await wrongRole.hello(Hello(role: .user, clientID: "robot-a1", token: "token-a"))
        }
        // And uploads are keyed by the session's own client id, so they cannot reach another's.
        let (own, _) = try await daemon.session("robot-a1", token: "token-a")
        _ = try await own.ping()
        await own.close()
        await owner.close()
        try await daemon.stop()
    }

    @Test("HTTP: a bearer token cannot touch another client's session, events, uploads or MR frame (403, ERROR payload)")
    func bindingOverHTTP() async throws {
        let daemon = try await Self.grantedDaemon()
        let owner = try await daemon.http(token: "token-b")
        _ = try await owner.hello(Hello(role: .robot, clientID: "robot-b", token: "token-b"))
        let digest = String(repeating: "ab", count: 32)
        #expect(try await owner.request(.POST, "/v1/uploads/robot-b/1", headers: ["upload-length": "4", "upload-sha256": digest]).status == 200)

        let intruder = try await daemon.http(token: "token-a")
        let attempts: [(HTTPMethod, String, HTTPHeaders)] = [
            (.GET, "/v1/sessions/robot-b/messages", [:]),
            (.POST, "/v1/sessions/robot-b/messages", ["splatedge-type": "BYE"]),
            (.GET, "/v1/sessions/robot-b/events", [:]),
            (.PATCH, "/v1/uploads/robot-b/1", ["upload-offset": "0"]),
            (.POST, "/v1/uploads/robot-b/1/end", [:]),
            (.HEAD, "/v1/uploads/robot-b/1", [:]),
            (.GET, "/v1/robots/robot-b/mr", [:]),
        ]
        for (method, path, headers) in attempts {
            let response = try await intruder.request(method, path, headers: headers, body: [0, 0])
            #expect(response.status == 403, "\(method) \(path)")
            if method != .HEAD {
                #expect(response.headers.first(name: "splatedge-type") == "ERROR", "\(method) \(path)")
                guard case .error(let error) = try Message(type: .error, payload: response.body) else { continue }
                #expect(error.code == .unauthorized)
            }
        }
        // HELLO for another's client id, with a valid bearer but a HELLO token that does not own it.
        await #expect(throws: SplatClientError.self) {
            _ = try await intruder.hello(Hello(role: .robot, clientID: "robot-b", token: "token-a"))
        }
        // Nothing of the owner's changed: the upload continues where it was, the session stays.
        #expect(try await owner.uploadOffset(clientID: "robot-b", uploadID: 1) == 0)
        #expect(daemon.server.sessions.session(clientID: "robot-b") != nil)
        // A missing token is 401 with the challenge and an ERROR payload.
        let anonymous = try await daemon.http(token: nil)
        let refused = try await anonymous.request(.GET, "/v1/uploads/robot-b/1")
        #expect(refused.status == 401)
        #expect(refused.headers.first(name: "www-authenticate") == "Bearer")
        #expect(refused.headers.first(name: "content-type") == "application/x-splatedge")
        for client in [owner, intruder, anonymous] { await client.close() }
        try await daemon.stop()
    }

    @Test("IMAGE over TCP is answered by ACK (value 0), as PROTOCOL §4 says")
    func imageIsAcknowledged() async throws {
        let daemon = try await TestDaemon.start()
        let (connection, _) = try await daemon.session("camera-robot")
        let image = CapturedImage(
            kind: .mrFrame, sequence: 1, pose: .identity,
            image: EncodedImage(width: 1, height: 1, encoding: .rgb8, bytes: ByteBuffer(bytes: [1, 2, 3])))
        let answer = try await connection.request(.image(image))
        guard case .ack(let ack) = answer.message else { throw SplatClientError.unexpectedAnswer(answer.message.type) }
        #expect(ack.value == 0)
        await connection.close()
        try await daemon.stop()
    }

    @Test("a codec ERROR carries the offending frame's request id")
    func codecErrorRequestID() async throws {
        let daemon = try await TestDaemon.start()
        let (connection, _) = try await daemon.session("sloppy-robot")
        // Type 0x7f is not a message type; the header is otherwise readable.
        try await connection.sendRaw([0x47, 0x53, 0x01, 0x7f, 0, 0, 0, 0, 0, 0, 0, 77])
        let answer = try #require(try await nextPush(connection))
        Self.expectError(answer, .unknownType)
        #expect(answer.requestID == 77)
        try await daemon.stop()
    }

    @Test("a frame larger than HELLO's maximum before HELLO is refused at its header (frame_too_large)")
    func handshakeFrameLimit() async throws {
        let daemon = try await TestDaemon.start()
        let connection = try await daemon.connect()
        // Declares 16 MiB of UPLOAD_CHUNK and sends none of it: refused without waiting.
        try await connection.sendRaw([0x47, 0x53, 0x01, MessageType.uploadChunk.rawValue, 0x01, 0, 0, 0, 0, 0, 0, 5])
        let answer = try #require(try await nextPush(connection))
        Self.expectError(answer, .frameTooLarge)
        #expect(answer.requestID == 5)
        try await daemon.stop()
    }

    @Test("client ids: the daemon's rule (1–64 bytes of A–Z a–z 0–9 . _ -) in its message")
    func clientIDRule() async throws {
        let daemon = try await TestDaemon.start()
        let connection = try await daemon.connect()
        do {
            _ = try await connection.hello(Hello(role: .robot, clientID: "robot 7", token: TestDaemon.token))
            Issue.record("a client id with a space was accepted")
        } catch SplatClientError.server(let error) {
            #expect(error.code == .invalidValue)
            #expect(error.message.contains("1–64 bytes"))
        }
        try await daemon.stop()
    }

    @Test("/v1/status names the uptime uptime_seconds, as docs/OPERATIONS.md does")
    func statusNames() async throws {
        let daemon = try await TestDaemon.start()
        let http = try await daemon.http(token: nil)
        let json = try JSONSerialization.jsonObject(with: Data(try await http.request(.GET, "/v1/status").body.readableBytesView)) as? [String: Any]
        #expect(json?["uptime_seconds"] is Double)
        await http.close()
        try await daemon.stop()
    }

    @Test("a second daemon on the same data directory refuses to start")
    func dataDirectoryLock() async throws {
        let daemon = try await TestDaemon.start()
        #expect(throws: DataDirectoryLockError.self) {
            _ = try EdgeDaemon(configuration: daemon.server.configuration, logger: .init(label: "second"), eventLoopThreads: 1)
        }
        try await daemon.stop()
    }

    @Test(
        "config values that cannot run are refused at validation",
        arguments: [
            ("[limits]\nidle_timeout_seconds = 1e10", "limits.idle_timeout_seconds"),
            ("[limits]\nresume_grace_seconds = 1e10", "limits.resume_grace_seconds"),
            ("[lifecycle]\nshutdown_grace_seconds = 1e10", "lifecycle.shutdown_grace_seconds"),
            ("[slot]\nlength_ms = 0.0001", "slot.length_ms"),
            ("[limits]\nmax_frame_bytes = 8", "limits.max_frame_bytes"),
            ("[irac]\nlatency_s = 1e10", "irac.latency_s"),
            ("[sttgs]\ngrace_ms = 1e13", "sttgs.grace_ms"),
            ("[sttgs]\ntime_scale = 1e-300", "sttgs.time_scale"),
            ("[limits]\nmax_unauthenticated_connections = 0", "limits.max_unauthenticated_connections"),
        ])
    func unrunnableConfiguration(toml: String, key: String) {
        #expect {
            var configuration = try ServerConfiguration.parse(toml: toml)
            configuration.tokens = ["t"]
            try configuration.validate()
        } throws: { ($0 as? ConfigurationError)?.key == key }
    }
}
