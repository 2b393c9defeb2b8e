import NIOCore
import Protocol
import SeededRandom

/// Seeded random messages that exercise each field's whole documented range: strings of every
/// allowed length with multi-byte UTF-8, lists from empty to their maximum, floats from ±0 and
/// subnormals to the largest finite magnitudes, integers over their full width.
struct MessageFactory {
    var rng: SeededGenerator
    /// The longest side of generated images; the fuzz corpus keeps frames small.
    var maxImageSide: Int = 24
    /// Cap on list lengths except for the occasional list at its documented maximum.
    var typicalListLength: Int = 8
    /// Whether lists sometimes have their documented maximum length (large frames).
    var includesMaximalLists = true

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func frame(_ type: MessageType) -> WireFrame {
        WireFrame(version: ProtocolVersion.implemented.upperBound, requestID: integer(), message: message(type))
    }

    mutating func message(_ type: MessageType) -> Message {
        switch type {
        case .hello:
            let low = UInt8.random(in: 1...UInt8.max, using: &rng)
            return .hello(
                Hello(
                    minVersion: low, maxVersion: UInt8.random(in: low...UInt8.max, using: &rng),
                    role: ClientRole.allCases.randomElement(using: &rng)!,
                    clientID: string(bytes: 1...64), token: string(bytes: 0...256),
                    capabilities: list(max: 32) { $0.string(bytes: 1...32) }))
        case .welcome:
            return .welcome(
                Welcome(
                    version: .random(in: 1...UInt8.max, using: &rng), sessionID: integer(), linkID: integer(),
                    channelSeed: integer(), slotLengthMicroseconds: .random(in: 1...UInt32.max, using: &rng),
                    currentSlot: integer(), maxPayloadLength: .random(in: 1...UInt32.max, using: &rng),
                    maxChunkLength: .random(in: 1...UInt32.max, using: &rng), maxPlannedPoses: integer()))
        case .pose:
            return .pose(
                PoseReport(
                    slot: integer(), timestampNanoseconds: integer(), pose: pose(),
                    oracleLoss: Bool.random(using: &rng) ? nonNegative() : nil,
                    plannedPoses: list(max: 256) { $0.pose() }))
        case .channelReport:
            return .channelReport(
                ChannelReport(
                    slot: integer(), snrDecibels: finite(), gain: nonNegative(),
                    coefficients: list(max: 1024) { ChannelCoefficient(real: $0.finite(), imaginary: $0.finite()) }))
        case .schedule:
            return .schedule(
                Schedule(
                    slot: integer(), stage: ScheduleStage.allCases.randomElement(using: &rng)!,
                    decision: .random(using: &rng), powerWatts: nonNegative(),
                    expectedRateBitsPerSecond: nonNegative(), deadlineMicroseconds: integer(),
                    stageDurationMicroseconds: .random(in: 1...UInt32.max, using: &rng),
                    coScheduled: list(max: 4096) { CoScheduledTransmitter(linkID: $0.integer(), powerWatts: $0.nonNegative()) }))
        case .frame:
            return .frame(RenderedFrame(slot: integer(), image: image()))
        case .image:
            return .image(
                CapturedImage(
                    kind: ImageKind.allCases.randomElement(using: &rng)!, sequence: integer(), pose: pose(),
                    image: image()))
        case .uploadBegin:
            return .uploadBegin(
                UploadBegin(
                    uploadID: integer(), totalSize: integer(), sha256: (0..<32).map { _ in self.integer() },
                    kind: UploadKind.allCases.randomElement(using: &rng)!, name: string(bytes: 1...255)))
        case .uploadChunk:
            let data = bytes(count: .random(in: 0...512, using: &rng))
            let offset = UInt64.random(in: 0...(UInt64.max - UInt64(data.readableBytes)), using: &rng)
            return .uploadChunk(UploadChunk(uploadID: integer(), offset: offset, data: data))
        case .uploadEnd:
            return .uploadEnd(UploadEnd(uploadID: integer()))
        case .ack:
            return .ack(Ack(acknowledgedRequestID: integer(), value: integer()))
        case .error:
            return .error(ProtocolError(ProtocolError.Code(rawValue: integer()), string(bytes: 0...1024)))
        case .ping:
            return .ping(Heartbeat(nonce: integer(), timestampNanoseconds: integer()))
        case .pong:
            return .pong(Heartbeat(nonce: integer(), timestampNanoseconds: integer()))
        case .bye:
            return .bye(Bye(reason: Bye.Reason.allCases.randomElement(using: &rng)!, message: string(bytes: 0...1024)))
        }
    }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>() -> T {
        // Mostly uniform over the full width, sometimes the extremes.
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return 0
        case 1: return .max
        default: return .random(in: 0...T.max, using: &rng)
        }
    }

    mutating func finite() -> Double {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return 0
        case 1: return -0.0
        case 2: return .greatestFiniteMagnitude * (Bool.random(using: &rng) ? 1 : -1)
        case 3: return .leastNonzeroMagnitude * (Bool.random(using: &rng) ? 1 : -1)
        case 4: return Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF)  // subnormal
        case 5:
            // Any bit pattern that happens to be finite.
            let candidate = Double(bitPattern: rng.next())
            return candidate.isFinite ? candidate : 1.5
        default: return rng.nextGaussian() * 100
        }
    }

    mutating func nonNegative() -> Double { finite().magnitude }

    mutating func pose() -> Pose {
        var orientation = SIMD4(finite(), finite(), finite(), finite())
        if orientation == .zero { orientation.w = 1 }
        return Pose(position: SIMD3(coordinate(), coordinate(), coordinate()), orientation: orientation)
    }

    /// A legal coordinate: finite with |x| ≤ ``Pose/maxCoordinateMetres``, the bound included.
    mutating func coordinate() -> Double {
        let limit = Pose.maxCoordinateMetres
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return limit * (Bool.random(using: &rng) ? 1 : -1)
        case 1: return Double.random(in: -limit...limit, using: &rng)
        default:
            let value = finite()
            return value.magnitude <= limit ? value : value.truncatingRemainder(dividingBy: limit)
        }
    }

    mutating func image() -> EncodedImage {
        let width = UInt16.random(in: 1...UInt16(maxImageSide), using: &rng)
        let height = UInt16.random(in: 1...UInt16(maxImageSide), using: &rng)
        if Bool.random(using: &rng) {
            return EncodedImage(
                width: width, height: height, encoding: .rgb8, bytes: bytes(count: Int(width) * Int(height) * 3))
        }
        return EncodedImage(
            width: width, height: height, encoding: .png, bytes: bytes(count: .random(in: 0...1024, using: &rng)))
    }

    mutating func bytes(count: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        for _ in 0..<count / 8 { buffer.writeInteger(rng.next()) }
        for _ in 0..<count % 8 { buffer.writeInteger(UInt8(truncatingIfNeeded: rng.next())) }
        return buffer
    }

    /// A valid UTF-8 string whose byte length is drawn from `bytes`, mixing 1- to 4-byte scalars.
    mutating func string(bytes range: ClosedRange<Int>) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\u{0}", "\u{7F}", "é", "ß", "€", "中", "\u{FFFD}", "😀", "𝄞"]
        let target = Int.random(in: range, using: &rng)
        var scalars = String.UnicodeScalarView()
        var length = 0
        while length < target {
            var scalar = pool.randomElement(using: &rng)!
            if length + scalar.utf8.count > target { scalar = "x" }
            scalars.append(scalar)
            length += scalar.utf8.count
        }
        return String(scalars)
    }

    /// A list whose length is usually small, sometimes its maximum, sometimes empty.
    mutating func list<Element>(max: Int, _ element: (inout MessageFactory) -> Element) -> [Element] {
        let count: Int
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: count = 0
        case 1 where includesMaximalLists: count = max
        default: count = .random(in: 0...Swift.min(max, typicalListLength), using: &rng)
        }
        return (0..<count).map { _ in element(&self) }
    }
}
