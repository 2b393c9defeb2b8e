import Crypto
import NIOCore
import NIOHTTP1
import Protocol
import SplatClient
import Testing

@testable import EdgeServer

/// One script of session messages played over both transports: the daemon runs the same
/// ``SessionStateMachine`` and ``UploadService`` behind each, so every step must come out the
/// same, refusals included, and leave the same state behind.
@Suite struct SessionScriptTests {
    /// A client step, in the binary protocol's terms.
    enum Step: Sendable {
        case hello
        case pose(PoseReport)
        case channelReport(ChannelReport)
        case ping(Heartbeat)
        case uploadBegin(id: UInt64, size: Int, sha256: [UInt8])
        case uploadChunk(id: UInt64, offset: UInt64, bytes: [UInt8])
        case uploadEnd(id: UInt64)
        case bye
    }

    /// What a step came to, whatever carried it.
    enum Outcome: Equatable, Sendable {
        /// WELCOME, with the fields that do not depend on the session.
        case welcome(version: UInt8, maxPayload: UInt32, slotMicroseconds: UInt32, maxPlannedPoses: UInt16)
        case accepted
        case pong(Heartbeat)
        /// An upload's durable offset, or its committed size after END.
        case offset(UInt64)
        case refused(ProtocolError.Code)
    }

    static let data = testBytes(count: 100_000, seed: 11)
    static let pose = PoseReport(
        slot: 3, timestampNanoseconds: 9, pose: Pose(position: SIMD3(1, 2, 1.6), orientation: SIMD4(0, 0, 0.6, 0.8)),
        plannedPoses: [Pose(position: SIMD3(1.1, 2, 1.6), orientation: SIMD4(0, 0, 0, 1))])

    static let script: [Step] = [
        .hello,
        .pose(pose),
        .channelReport(ChannelReport(slot: 3, snrDecibels: 12.5, gain: 0.25)),
        .ping(Heartbeat(nonce: 42, timestampNanoseconds: 7)),
        .uploadBegin(id: 7, size: data.count, sha256: Array(SHA256.hash(data: data))),
        .uploadChunk(id: 7, offset: 0, bytes: Array(data[0..<40_000])),
        // A chunk past the durable offset (a gap), then one for an upload never begun.
        .uploadChunk(id: 7, offset: 50_000, bytes: Array(data[50_000..<50_010])),
        .uploadChunk(id: 8, offset: 0, bytes: [1, 2, 3]),
        .uploadChunk(id: 7, offset: 40_000, bytes: Array(data[40_000...])),
        .uploadEnd(id: 7),
        .uploadEnd(id: 7),
        .bye,
    ]

    static let expected: [Outcome] = [
        .welcome(version: ProtocolVersion.implemented.upperBound, maxPayload: UInt32(16 << 20), slotMicroseconds: 100_000, maxPlannedPoses: 16),
        .accepted, .accepted, .pong(Heartbeat(nonce: 42, timestampNanoseconds: 7)),
        .offset(0), .offset(40_000), .refused(.uploadOffset), .refused(.unknownUpload), .offset(100_000), .offset(100_000),
        // END of an upload already committed answers its size again.
        .offset(100_000),
        .accepted,
    ]

    @Test("the same script gives the same outcomes over TCP and HTTP/2, and leaves the same state")
    func sameScriptBothTransports() async throws {
        let daemon = try await TestDaemon.start()
        let binary = try await Self.playBinary(Self.script, clientID: "script-bin", daemon: daemon)
        let http = try await Self.playHTTP(Self.script, clientID: "script-http", daemon: daemon)
        #expect(binary == http)
        #expect(binary.count == Self.expected.count)
        for (step, (got, want)) in zip(binary, Self.expected).enumerated() {
            if case .welcome = want {
                guard case .welcome(let version, _, _, _) = got else {
                    Issue.record("step \(step): \(got) is not a WELCOME")
                    continue
                }
                #expect(version == ProtocolVersion.implemented.upperBound)
            } else {
                #expect(got == want, "step \(step)")
            }
        }
        // Both uploads are committed with the same bytes; both sessions are closed by BYE.
        for client in ["script-bin", "script-http"] {
            let committed = try #require(try daemon.server.catalog.upload(UploadKey(clientID: client, uploadID: "7")))
            #expect(committed.size == Self.data.count)
            #expect(committed.sha256Hex == SHA256.hash(data: Self.data).map { String(format: "%02x", $0) }.joined())
            #expect(daemon.server.sessions.session(clientID: client) == nil)
        }
        try await daemon.stop()
    }

    @Test("the session keeps what the script sent, over either transport")
    func sessionStateIsTheSame() async throws {
        let daemon = try await TestDaemon.start()
        let prefix = Array(Self.script.prefix(3))
        _ = try await Self.playBinary(prefix, clientID: "state-bin", daemon: daemon)
        _ = try await Self.playHTTP(prefix, clientID: "state-http", daemon: daemon)
        let states = try ["state-bin", "state-http"].map { client in
            try #require(daemon.server.sessions.session(clientID: client)).snapshot
        }
        for state in states {
            // Kept with its orientation normalised, as every pose the daemon keeps.
            var normalised = Self.pose
            normalised.pose = normalised.pose.normalized
            normalised.plannedPoses = normalised.plannedPoses.map(\.normalized)
            #expect(state.latest[.pose] == .pose(normalised))
            #expect(state.latest[.channelReport] == .channelReport(ChannelReport(slot: 3, snrDecibels: 12.5, gain: 0.25)))
            #expect(state.messagesReceived == 2)
        }
        try await daemon.stop()
    }

    static func playBinary(_ steps: [Step], clientID: String, daemon: TestDaemon) async throws -> [Outcome] {
        let connection = try await daemon.connect()
        var outcomes: [Outcome] = []
        for step in steps {
            let answer: WireFrame?
            switch step {
            case .hello:
                answer = try await connection.request(
                    .hello(Hello(role: .robot, clientID: clientID, token: TestDaemon.token)), version: ProtocolVersion.handshake)
            case .pose(let report):
                try await connection.send(.pose(report))
                answer = nil
            case .channelReport(let report):
                try await connection.send(.channelReport(report))
                answer = nil
            case .ping(let beat):
                answer = try await connection.request(.ping(beat))
            case .uploadBegin(let id, let size, let digest):
                answer = try await connection.request(
                    .uploadBegin(UploadBegin(uploadID: id, totalSize: UInt64(size), sha256: digest, kind: .dataset, name: "script")))
            case .uploadChunk(let id, let offset, let bytes):
                answer = try await connection.request(.uploadChunk(UploadChunk(uploadID: id, offset: offset, data: ByteBuffer(bytes: bytes))))
            case .uploadEnd(let id):
                answer = try await connection.request(.uploadEnd(UploadEnd(uploadID: id)))
            case .bye:
                await connection.bye()
                await connection.waitUntilClosed()
                answer = nil
            }
            switch answer?.message {
            case nil: outcomes.append(.accepted)
            case .welcome(let w)?:
                outcomes.append(
                    .welcome(
                        version: w.version, maxPayload: w.maxPayloadLength, slotMicroseconds: w.slotLengthMicroseconds,
                        maxPlannedPoses: w.maxPlannedPoses))
            case .pong(let beat)?: outcomes.append(.pong(beat))
            case .ack(let ack)?: outcomes.append(.offset(ack.value))
            case .error(let error)?: outcomes.append(.refused(error.code))
            case let other?: Issue.record("unexpected \(other.type)")
            }
        }
        await connection.close()
        return outcomes
    }

    static func playHTTP(_ steps: [Step], clientID: String, daemon: TestDaemon) async throws -> [Outcome] {
        let client = try await daemon.http()
        var outcomes: [Outcome] = []
        let path = { (id: UInt64) in "/v1/uploads/\(clientID)/\(id)" }
        for step in steps {
            do {
                switch step {
                case .hello:
                    let w = try await client.hello(Hello(role: .robot, clientID: clientID, token: TestDaemon.token))
                    outcomes.append(
                        .welcome(
                            version: w.version, maxPayload: w.maxPayloadLength, slotMicroseconds: w.slotLengthMicroseconds,
                            maxPlannedPoses: w.maxPlannedPoses))
                case .pose(let report):
                    #expect(try await client.send(.pose(report), clientID: clientID) == nil)
                    outcomes.append(.accepted)
                case .channelReport(let report):
                    #expect(try await client.send(.channelReport(report), clientID: clientID) == nil)
                    outcomes.append(.accepted)
                case .ping(let beat):
                    guard case .pong(let echoed)? = try await client.send(.ping(beat), clientID: clientID) else {
                        throw SplatClientError.unexpectedAnswer(.ping)
                    }
                    outcomes.append(.pong(echoed))
                case .uploadBegin(let id, let size, let digest):
                    let hex = digest.map { String(format: "%02x", $0) }.joined()
                    outcomes.append(
                        try upload(await client.request(.POST, path(id), headers: ["upload-length": String(size), "upload-sha256": hex])))
                case .uploadChunk(let id, let offset, let bytes):
                    outcomes.append(try upload(await client.request(.PATCH, path(id), headers: ["upload-offset": String(offset)], body: bytes)))
                case .uploadEnd(let id):
                    outcomes.append(try upload(await client.request(.POST, path(id) + "/end")))
                case .bye:
                    try await client.send(.bye(Bye(reason: .normal, message: "")), clientID: clientID)
                    outcomes.append(.accepted)
                }
            } catch SplatClientError.server(let error) {
                outcomes.append(.refused(error.code))
            }
        }
        await client.close()
        return outcomes
    }

    /// An upload route's answer: the `upload-offset` header, or the refusal's wire code (the
    /// `splatedge-error` header names the store's code; its wire code is the binary ERROR's).
    static func upload(_ response: SplatHTTPClient.Response) throws -> Outcome {
        if (200..<300).contains(response.status), let offset = response.headers.first(name: "upload-offset").flatMap(UInt64.init) {
            return .offset(offset)
        }
        let name = try #require(response.headers.first(name: "splatedge-error"))
        let code = try #require(UploadStoreError.Code(rawValue: name))
        return .refused(UploadStoreError(code, "").protocolError.code)
    }
}
