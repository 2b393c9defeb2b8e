import NIOCore
import Protocol
import SeededRandom

/// Seeded client→server traffic whose every field is drawn from its whole legal range, the
/// extremes included (0, the maximum, ±huge finite, subnormal), with a share of frames made
/// illegal by a value past a bound or by one corrupted byte.
struct WireFuzzer {
    private var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// One frame's bytes, and whether the codec accepts them — judged by decoding them here, as
    /// a corrupted byte may still leave a valid frame (a daemon must answer an illegal frame
    /// with ERROR and close, and keep the connection after a legal one).
    mutating func frame(requestID: UInt32) -> (bytes: [UInt8], legal: Bool) {
        var bytes: [UInt8]
        if Int.random(in: 0..<50, using: &rng) == 0 {
            bytes = pastTheBoundPose(requestID: requestID)
        } else {
            var buffer = ByteBuffer()
            // Every message this generator builds encodes: its values lie in the legal ranges.
            try! buffer.writeWireFrame(WireFrame(requestID: requestID, message: message()))
            bytes = Array(buffer.readableBytesView)
            if Int.random(in: 0..<20, using: &rng) == 0 {
                let index = Int.random(in: WireFrame.headerLength..<bytes.count, using: &rng)
                bytes[index] ^= UInt8.random(in: 1...255, using: &rng)
            }
        }
        var check = ByteBuffer(bytes: bytes)
        let legal = (try? WireFrameDecoder().decodeFrame(from: &check)) != nil
        return (bytes, legal)
    }

    /// A client→server message (never BYE: the fuzzer decides when a connection ends).
    mutating func message() -> Message {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1, 2:
            return .pose(
                PoseReport(
                    slot: integer(), timestampNanoseconds: integer(), pose: pose(),
                    oracleLoss: Bool.random(using: &rng) ? nonNegative() : nil,
                    plannedPoses: (0..<Int.random(in: 0...4, using: &rng)).map { _ in pose() }))
        case 3:
            return .channelReport(
                ChannelReport(
                    slot: integer(), snrDecibels: finite(), gain: nonNegative(),
                    coefficients: (0..<Int.random(in: 0...4, using: &rng)).map { _ in ChannelCoefficient(real: finite(), imaginary: finite()) }))
        case 4:
            return .ping(Heartbeat(nonce: integer(), timestampNanoseconds: integer()))
        case 5:
            let kind = UploadKind.allCases.randomElement(using: &rng)!
            return .uploadBegin(
                UploadBegin(
                    uploadID: integer(), totalSize: integer(), sha256: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) },
                    kind: kind, name: String(repeating: "n", count: Int.random(in: 1...255, using: &rng))))
        case 6:
            return .uploadChunk(
                UploadChunk(
                    uploadID: integer(), offset: integer() / 2, data: ByteBuffer(bytes: (0..<Int.random(in: 0...64, using: &rng)).map { UInt8($0) })))
        case 7:
            return .uploadEnd(UploadEnd(uploadID: integer()))
        case 8:
            let side = UInt16.random(in: 1...4, using: &rng)
            return .image(
                CapturedImage(
                    kind: .mrFrame, sequence: integer(), pose: pose(),
                    image: EncodedImage(width: side, height: side, encoding: .rgb8, bytes: ByteBuffer(repeating: 9, count: 3 * Int(side) * Int(side)))
                ))
        default:
            return .ack(Ack(acknowledgedRequestID: UInt32.random(in: 0...UInt32.max, using: &rng), value: integer()))
        }
    }

    /// Small, zero, the maximum, a power of two, or anything.
    mutating func integer() -> UInt64 {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: 0
        case 1: .max
        case 2: UInt64(1) << UInt64.random(in: 0...63, using: &rng)
        case 3: UInt64.random(in: 0...64, using: &rng)
        default: rng.next()
        }
    }

    mutating func finite() -> Double {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: 0
        case 1: .greatestFiniteMagnitude * (Bool.random(using: &rng) ? 1 : -1)
        case 2: .leastNonzeroMagnitude * (Bool.random(using: &rng) ? 1 : -1)
        case 3: Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF)  // subnormal
        case 4: Double.random(in: -1e300...1e300, using: &rng)
        default: Double.random(in: -10...10, using: &rng)
        }
    }

    mutating func nonNegative() -> Double { finite().magnitude }

    /// A legal pose: coordinates within ±100 km (the bound itself included), any finite non-zero
    /// quaternion.
    mutating func pose() -> Pose {
        let limit = Pose.maxCoordinateMetres
        func coordinate(_ rng: inout SeededGenerator) -> Double {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: limit * (Bool.random(using: &rng) ? 1 : -1)
            case 1: .leastNonzeroMagnitude
            default: Double.random(in: -limit...limit, using: &rng)
            }
        }
        var orientation = SIMD4(finite(), finite(), finite(), finite())
        if orientation == .zero { orientation.w = 1 }
        return Pose(position: SIMD3(coordinate(&rng), coordinate(&rng), coordinate(&rng)), orientation: orientation)
    }

    /// A POSE whose position lies past the bound (illegal: invalid_value).
    private mutating func pastTheBoundPose(requestID: UInt32) -> [UInt8] {
        let far = [1e17, 1e300, -.greatestFiniteMagnitude, Pose.maxCoordinateMetres.nextUp].randomElement(using: &rng)!
        return Self.rawPose(requestID: requestID, slot: integer(), position: SIMD3(0, far, 0), orientation: SIMD4(0, 0, 0, 1))
    }

    /// A POSE frame built byte by byte, so that it can carry what the encoder refuses.
    static func rawPose(requestID: UInt32, slot: UInt64 = 1, position: SIMD3<Double>, orientation: SIMD4<Double>) -> [UInt8] {
        var payload = ByteBuffer()
        payload.writeInteger(slot)
        payload.writeInteger(UInt64(2))
        for value in [position.x, position.y, position.z, orientation.x, orientation.y, orientation.z, orientation.w] {
            payload.writeInteger(value.bitPattern)
        }
        payload.writeInteger(UInt8(0))
        payload.writeInteger(UInt16(0))
        var frame = ByteBuffer()
        frame.writeInteger(WireFrame.magic)
        frame.writeInteger(UInt8(1))
        frame.writeInteger(MessageType.pose.rawValue)
        frame.writeInteger(UInt32(payload.readableBytes))
        frame.writeInteger(requestID)
        frame.writeBuffer(&payload)
        return Array(frame.readableBytesView)
    }
}
