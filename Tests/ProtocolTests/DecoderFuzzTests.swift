import NIOCore
import Protocol
import SeededRandom
import Testing

/// Seeded mutations of valid frames: each must decode to messages that are themselves valid
/// (they re-encode to the same bytes' meaning) or fail with a ``ProtocolError`` — never crash,
/// hang, or accept a frame longer than the configured maximum.
@Suite struct DecoderFuzzTests {
    static let mutationCount = 200_000
    static let shards = 4
    /// Small enough that length inflation often crosses it; large enough for every corpus frame.
    static let configuration = CodecConfiguration(maxPayloadLength: 64 * 1024)

    /// What one shard observed.
    struct Tally: Sendable {
        var inputs = 0
        var decodedFrames = 0
        var cleanInputs = 0
        var errors: [ProtocolError.Code: Int] = [:]

        mutating func merge(_ other: Tally) {
            inputs += other.inputs
            decodedFrames += other.decodedFrames
            cleanInputs += other.cleanInputs
            errors.merge(other.errors, uniquingKeysWith: +)
        }
    }

    /// Valid frames of every type, small so that the mutations stay fast in debug builds.
    static func corpus(seed: UInt64) throws -> [ByteBuffer] {
        var factory = MessageFactory(seed: seed)
        factory.maxImageSide = 6
        factory.typicalListLength = 3
        factory.includesMaximalLists = false
        return try MessageType.allCases.flatMap { type in
            try (0..<6).map { _ in try encoded(factory.frame(type)) }
        }
    }

    @Test("≥ 200,000 seeded mutations decode or fail with a typed error")
    func mutatedFramesNeverEscapeTheTypedError() async throws {
        let tally = try await withThrowingTaskGroup(of: Tally.self) { group in
            for shard in 0..<Self.shards {
                group.addTask { try Self.run(shard: shard, mutations: Self.mutationCount / Self.shards) }
            }
            var total = Tally()
            for try await part in group { total.merge(part) }
            return total
        }
        #expect(tally.inputs >= Self.mutationCount)
        // The mutations reach deep into the payloads: nearly every validation is exercised,
        // and some mutants are still valid frames.
        let expected: [ProtocolError.Code] = [
            .badMagic, .unsupportedVersion, .unknownType, .frameTooLarge, .truncated, .trailingBytes,
            .countMismatch, .nonFiniteValue, .invalidUTF8, .stringLength, .tooManyElements, .invalidValue,
        ]
        for code in expected {
            #expect(tally.errors[code, default: 0] > 0, "no mutation produced \(code)")
        }
        #expect(Set(tally.errors.keys).isSubset(of: expected), "unexpected codes: \(tally.errors.keys)")
        #expect(tally.cleanInputs > 1000)
    }

    static func run(shard: Int, mutations: Int) throws -> Tally {
        let corpus = try corpus(seed: 0xF0_22ED + UInt64(shard))
        var rng = SeededGenerator(seed: 0xF022, stream: 1, index: UInt64(shard))
        var tally = Tally()
        for _ in 0..<mutations {
            var bytes = Array(corpus.randomElement(using: &rng)!.readableBytesView)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                mutate(&bytes, corpus: corpus, using: &rng)
            }
            tally.inputs += 1
            check(ByteBuffer(bytes: bytes), into: &tally)
        }
        return tally
    }

    /// Decodes one input and checks that whatever came out is consistent.
    static func check(_ input: ByteBuffer, into tally: inout Tally) {
        switch decodeStream(input, configuration: configuration) {
        case .frames(let frames):
            tally.cleanInputs += 1
            tally.decodedFrames += frames.count
            for frame in frames {
                // A decoded message satisfies every rule: it encodes again, to an equal message.
                var again = ByteBuffer()
                do {
                    try again.writeWireFrame(frame, configuration: configuration)
                } catch {
                    Issue.record("decoded \(frame.message.type) does not re-encode: \(error)")
                    continue
                }
                guard case .frames(let redecoded) = decodeStream(again, configuration: configuration),
                    redecoded == [frame]
                else {
                    Issue.record("decoded \(frame.message.type) does not survive a second round trip")
                    continue
                }
            }
        case .failed(let error):
            tally.errors[error.code, default: 0] += 1
            if input.readableBytes >= WireFrame.headerLength,
                let declared = input.getInteger(at: input.readerIndex + 4, as: UInt32.self),
                Int(declared) > configuration.maxPayloadLength, input.getInteger(at: input.readerIndex, as: UInt16.self) == WireFrame.magic,
                error.code != .frameTooLarge, error.code != .unsupportedVersion, error.code != .unknownType
            {
                Issue.record("a first frame declaring \(declared) bytes failed with \(error.code), not frame_too_large")
            }
        }
    }

    static func mutate(_ bytes: inout [UInt8], corpus: [ByteBuffer], using rng: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        let header = WireFrame.headerLength
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:  // bit flips anywhere
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: bytes.indices, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case 1:  // truncation
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
        case 2:  // header length inflation (a little, past the maximum, or to u32 max)
            guard bytes.count >= header else { return }
            let declared = UInt32(bigEndianBytes: bytes[4..<8])
            let inflated: UInt32 =
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: declared &+ UInt32.random(in: 1...64, using: &rng)
                case 1: UInt32(configuration.maxPayloadLength) + UInt32.random(in: 1...1 << 20, using: &rng)
                default: .random(in: 0...UInt32.max, using: &rng)
                }
            bytes.replaceSubrange(4..<8, with: inflated.bigEndianBytes)
        case 3:  // type swap: another message type, or any byte
            guard bytes.count >= header else { return }
            bytes[3] = Bool.random(using: &rng) ? UInt8.random(in: 1...15, using: &rng) : .random(in: 0...255, using: &rng)
        case 4:  // interesting bytes inside the payload (hits counts, lengths, enums, floats)
            guard bytes.count > header else { return }
            let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xC0, 0xF0, 0xFF]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: header..<bytes.count, using: &rng)] = interesting.randomElement(using: &rng)!
            }
        case 5:  // an inner length or count inflated: a big-endian u16/u32 written mid-payload
            guard bytes.count > header + 4 else { return }
            let at = Int.random(in: header..<(bytes.count - 4), using: &rng)
            let value = UInt32.random(in: 0...UInt32.max, using: &rng) >> UInt32.random(in: 0...31, using: &rng)
            let width = Bool.random(using: &rng) ? 2 : 4
            bytes.replaceSubrange(at..<at + width, with: value.bigEndianBytes.suffix(width))
        case 6:  // insert or delete payload bytes, keeping the header length consistent
            guard bytes.count > header else { return }
            let at = Int.random(in: header...bytes.count, using: &rng)
            if Bool.random(using: &rng), at < bytes.count {
                bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &rng)))
            } else {
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            }
            bytes.replaceSubrange(4..<8, with: UInt32(bytes.count - header).bigEndianBytes)
        default:  // another frame appended: the decoder must stay on frame boundaries
            bytes += corpus.randomElement(using: &rng)!.readableBytesView
        }
    }
}

extension UInt32 {
    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(truncatingIfNeeded: self >> 16), UInt8(truncatingIfNeeded: self >> 8), UInt8(truncatingIfNeeded: self)] }
}
