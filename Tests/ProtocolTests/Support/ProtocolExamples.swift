import NIOCore
import Protocol

/// The example frames printed as hex dumps in docs/PROTOCOL.md, one per message type.
///
/// ``ProtocolDocumentTests`` decodes every dump in the document and compares it with these
/// values, so the document, the codec and this list cannot drift apart.
enum ProtocolExamples {
    static let yaw45 = Pose(position: SIMD3(1.5, -2.0, 0.25), orientation: SIMD4(0, 0, 0.3826834323650898, 0.9238795325112867))

    static let frames: [MessageType: WireFrame] = [
        .hello: WireFrame(
            requestID: 1,
            message: .hello(
                Hello(
                    minVersion: 1, maxVersion: 1, role: .robot, clientID: "robot-7", token: "s3cret",
                    capabilities: ["png", "planned-poses"]))),
        .welcome: WireFrame(
            requestID: 1,
            message: .welcome(
                Welcome(
                    version: 1, sessionID: 42, linkID: 7, channelSeed: 2026, slotLengthMicroseconds: 100_000,
                    currentSlot: 1200, maxPayloadLength: 16 * 1024 * 1024, maxChunkLength: 1024 * 1024,
                    maxPlannedPoses: 10))),
        .pose: WireFrame(
            message: .pose(
                PoseReport(
                    slot: 1201, timestampNanoseconds: 1_764_000_000_123_456_789, pose: yaw45, oracleLoss: 0.03125,
                    plannedPoses: [Pose(position: SIMD3(1.75, -2.0, 0.25), orientation: yaw45.orientation)]))),
        .channelReport: WireFrame(
            message: .channelReport(
                ChannelReport(
                    slot: 1201, snrDecibels: 18.5, gain: 1.875e-6,
                    coefficients: [
                        ChannelCoefficient(real: 1e-3, imaginary: -5e-4),
                        ChannelCoefficient(real: -7.5e-4, imaginary: 2.5e-4),
                    ], transmissions: 40, outages: 3))),
        .schedule: WireFrame(
            message: .schedule(
                Schedule(
                    slot: 1202, stage: .slot, decision: true, powerWatts: 0.02, expectedRateBitsPerSecond: 5.376e6,
                    deadlineMicroseconds: 100_000, stageDurationMicroseconds: 100_000,
                    coScheduled: [CoScheduledTransmitter(linkID: 8, powerWatts: 0.01)]))),
        .frame: WireFrame(
            message: .frame(
                RenderedFrame(
                    slot: 1202,
                    image: EncodedImage(
                        width: 2, height: 2, encoding: .rgb8,
                        bytes: ByteBuffer(bytes: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]))))),
        .image: WireFrame(
            requestID: 5,
            message: .image(
                CapturedImage(
                    kind: .mrFrame, sequence: 1202, pose: yaw45,
                    image: EncodedImage(width: 2, height: 1, encoding: .rgb8, bytes: ByteBuffer(bytes: [16, 32, 48, 64, 80, 96]))))),
        .uploadBegin: WireFrame(
            requestID: 10,
            message: .uploadBegin(
                UploadBegin(
                    uploadID: 9, totalSize: 3,
                    // SHA-256("abc"), FIPS 180-2 appendix B.1.
                    sha256: [
                        0xBA, 0x78, 0x16, 0xBF, 0x8F, 0x01, 0xCF, 0xEA, 0x41, 0x41, 0x40, 0xDE, 0x5D, 0xAE, 0x22, 0x23,
                        0xB0, 0x03, 0x61, 0xA3, 0x96, 0x17, 0x7A, 0x9C, 0xB4, 0x10, 0xFF, 0x61, 0xF2, 0x00, 0x15, 0xAD,
                    ],
                    kind: .dataset, name: "collector-3/round-1"))),
        .uploadChunk: WireFrame(
            requestID: 11, message: .uploadChunk(UploadChunk(uploadID: 9, offset: 0, data: ByteBuffer(string: "abc")))),
        .uploadEnd: WireFrame(requestID: 12, message: .uploadEnd(UploadEnd(uploadID: 9))),
        .ack: WireFrame(requestID: 12, message: .ack(Ack(acknowledgedRequestID: 12, value: 3))),
        .error: WireFrame(
            requestID: 1, message: .error(ProtocolError(.unauthorized, "wrong token for client robot-7"))),
        .ping: WireFrame(
            requestID: 20, message: .ping(Heartbeat(nonce: 0xC0FFEE, timestampNanoseconds: 1_764_000_000_500_000_000))),
        .pong: WireFrame(
            requestID: 20, message: .pong(Heartbeat(nonce: 0xC0FFEE, timestampNanoseconds: 1_764_000_000_500_000_000))),
        .bye: WireFrame(message: .bye(Bye(reason: .shuttingDown, message: "draining"))),
    ]

    /// A hex dump in the document's format: 16 bytes a line, each line prefixed with its
    /// four-digit hex offset and a colon.
    static func hexDump(_ bytes: ByteBuffer) -> String {
        let all = Array(bytes.readableBytesView)
        return stride(from: 0, to: all.count, by: 16).map { start in
            let line = all[start..<min(start + 16, all.count)].map { hex($0, digits: 2) }.joined(separator: " ")
            return "\(hex(start, digits: 4)): \(line)"
        }.joined(separator: "\n")
    }

    private static func hex<T: BinaryInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
