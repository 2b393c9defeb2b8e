import ArgumentParser
import Foundation
import NIOCore
import Protocol
import SeededRandom

/// `gs-lab bench protocol`: frame codec throughput for the messages that dominate traffic.
struct ProtocolBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Encode/decode throughput of the wire codec: POSE (msgs/s) and a 64 KiB IMAGE (MB/s).")

    @Option(help: "Seconds of CPU time to measure each figure.")
    var seconds: Double = 2

    @Option(help: "Seed for the image bytes and pose values.")
    var seed: UInt64 = 1

    func validate() throws {
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number") }
    }

    func run() throws {
        #if DEBUG
            print("warning: debug build; build with `swift build -c release --product gs-lab` for real figures")
        #endif
        var rng = SeededGenerator(seed: seed)
        let cases: [(name: String, frame: WireFrame)] = [
            ("POSE", WireFrame(message: .pose(Self.poseReport(planned: 0, using: &rng)))),
            ("POSE + 10 planned poses", WireFrame(message: .pose(Self.poseReport(planned: 10, using: &rng)))),
            ("IMAGE 64 KiB (png bytes)", WireFrame(requestID: 1, message: .image(Self.image(bytes: 64 * 1024, using: &rng)))),
        ]
        print("message                     frame B    encode msg/s    decode msg/s   enc+dec msg/s   enc+dec MB/s")
        var checksum: UInt64 = 0
        var shares: [Double] = []
        for (name, frame) in cases {
            let figures = try measure(frame, checksum: &checksum)
            shares.append(figures.cpuShare)
            print(
                name.padding(toLength: 26, withPad: " ", startingAt: 0),
                pad(figures.frameBytes, 9), pad(figures.encode, 15), pad(figures.decode, 15),
                pad(figures.roundTrip, 15), pad(figures.roundTrip * Double(figures.frameBytes) / 1e6, 14))
        }
        // Printing the checksum keeps the optimiser from discarding the decoded frames.
        print("checksum \(checksum); rates per second of one core's CPU time; MB = 10^6 bytes of whole frames")
        print(
            "the benchmark thread ran \(Int((shares.min()! * 100).rounded()))–\(Int((shares.max()! * 100).rounded()))% of wall time (less on a loaded machine)"
        )
    }

    private struct Figures {
        var frameBytes: Int
        var encode: Double
        var decode: Double
        var roundTrip: Double
        var cpuShare: Double
    }

    private func measure(_ frame: WireFrame, checksum: inout UInt64) throws -> Figures {
        let loop = BenchmarkLoop(duration: .milliseconds(Int(seconds * 1000)), batch: 256)
        var buffer = ByteBufferAllocator().buffer(capacity: 128 * 1024)
        let frameBytes = try buffer.writeWireFrame(frame)
        let encoded = buffer
        let decoder = WireFrameDecoder()

        let encode = try loop.run {
            buffer.clear()
            try buffer.writeWireFrame(frame)
        }
        let decode = try loop.run {
            var input = encoded
            if let decoded = try decoder.decodeFrame(from: &input) { checksum &+= Self.fingerprint(decoded) }
        }
        let roundTrip = try loop.run {
            buffer.clear()
            try buffer.writeWireFrame(frame)
            if let decoded = try decoder.decodeFrame(from: &buffer) { checksum &+= Self.fingerprint(decoded) }
        }
        return Figures(
            frameBytes: frameBytes, encode: encode.rate, decode: decode.rate, roundTrip: roundTrip.rate,
            cpuShare: min(encode.cpuShare, decode.cpuShare, roundTrip.cpuShare))
    }

    /// A value that depends on the decoded payload, so that decoding cannot be optimised away.
    private static func fingerprint(_ frame: WireFrame) -> UInt64 {
        switch frame.message {
        case .pose(let report): report.slot &+ UInt64(report.plannedPoses.count) &+ report.pose.position.x.bitPattern
        case .image(let image): image.sequence &+ UInt64(image.image.bytes.readableBytes)
        default: UInt64(frame.requestID)
        }
    }

    private static func poseReport(planned: Int, using rng: inout SeededGenerator) -> PoseReport {
        func pose() -> Pose {
            let yaw = rng.nextUniform(in: -Double.pi..<Double.pi)
            return Pose(
                position: SIMD3(rng.nextUniform(in: -50..<50), rng.nextUniform(in: -50..<50), 1.2),
                orientation: SIMD4(0, 0, sin(yaw / 2), cos(yaw / 2)))
        }
        return PoseReport(
            slot: 1234, timestampNanoseconds: 1_764_000_000_000_000_000, pose: pose(),
            plannedPoses: (0..<planned).map { _ in pose() })
    }

    private static func image(bytes count: Int, using rng: inout SeededGenerator) -> CapturedImage {
        var pixels = ByteBufferAllocator().buffer(capacity: count)
        for _ in 0..<count / 8 { pixels.writeInteger(rng.next()) }
        return CapturedImage(
            kind: .mrFrame, sequence: 1234, pose: .identity,
            image: EncodedImage(width: 256, height: 256, encoding: .png, bytes: pixels))
    }

    private func pad(_ value: Int, _ width: Int) -> String { pad(String(value), width) }

    private func pad(_ value: Double, _ width: Int) -> String {
        let text = value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 10)) / 10)
        return pad(text, width)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
