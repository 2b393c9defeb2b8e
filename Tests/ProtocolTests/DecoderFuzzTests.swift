import NIOCore
import Protocol
import SeededRandom
import Testing

/// Seeded mutations of valid frames: each must decode to messages that are themselves valid
/// (they re-encode to exactly the input bytes) or fail with a ``ProtocolError`` — never crash,
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
    static func corpus(seed: UInt64) throws -> [[UInt8]] {
        var factory = MessageFactory(seed: seed)
        factory.maxImageSide = 6
        factory.typicalListLength = 3
        factory.includesMaximalLists = false
        return try MessageType.allCases.flatMap { type in
            try (0..<6).map { _ in Array(try encoded(factory.frame(type)).readableBytesView) }
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
        #expect(tally.decodedFrames > 1000)
    }

    static func run(shard: Int, mutations: Int) throws -> Tally {
        let corpus = try corpus(seed: 0xF0_22ED + UInt64(shard))
        var rng = SeededGenerator(seed: 0xF022, stream: 1, index: UInt64(shard))
        var tally = Tally()
        var input = ByteBuffer()
        for iteration in 0..<mutations {
            var bytes = corpus[rng.below(corpus.count)]
            for _ in 0...rng.below(3) {
                mutate(&bytes, corpus: corpus, using: &rng)
            }
            input.clear()
            bytes.withUnsafeBytes { _ = input.writeBytes($0) }
            tally.inputs += 1
            check(input, reencode: iteration % reencodeEvery == 0, into: &tally)
        }
        return tally
    }

    /// Re-encoding is the slowest step in debug builds; every fourth input still checks
    /// tens of thousands of decoded frames per run.
    static let reencodeEvery = 4

    /// Decodes one input and checks that whatever came out is consistent.
    static func check(_ input: ByteBuffer, reencode: Bool, into tally: inout Tally) {
        switch decodeStream(input, configuration: configuration) {
        case .frames(let frames):
            tally.cleanInputs += 1
            tally.decodedFrames += frames.count
            guard reencode else { return }
            // Decoded messages satisfy every rule, and the encoding is canonical: they encode
            // again to exactly the input's bytes.
            var again = ByteBufferAllocator().buffer(capacity: input.readableBytes)
            do {
                for frame in frames { try again.writeWireFrame(frame, configuration: configuration) }
            } catch {
                Issue.record("a decoded frame does not re-encode: \(error)")
                return
            }
            if again != input { Issue.record("decoded frames re-encode to different bytes") }
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

    static func mutate(_ bytes: inout [UInt8], corpus: [[UInt8]], using rng: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        let header = WireFrame.headerLength
        switch rng.below(8) {
        case 0:  // bit flips anywhere
            for _ in 0...rng.below(4) {
                bytes[rng.below(bytes.count)] ^= 1 << rng.below(8)
            }
        case 1:  // truncation
            bytes.removeLast(1 + rng.below(bytes.count))
        case 2:  // header length inflation (a little, past the maximum, or anything)
            guard bytes.count >= header else { return }
            let declared = UInt32(bigEndianBytes: bytes[4..<8])
            let inflated: UInt32 =
                switch rng.below(3) {
                case 0: declared &+ UInt32(1 + rng.below(64))
                case 1: UInt32(configuration.maxPayloadLength + 1 + rng.below(1 << 20))
                default: UInt32(truncatingIfNeeded: rng.next())
                }
            bytes.replaceSubrange(4..<8, with: inflated.bigEndianBytes)
        case 3:  // type swap: another message type, or any byte
            guard bytes.count >= header else { return }
            bytes[3] = rng.coin() ? UInt8(1 + rng.below(15)) : rng.byte()
        case 4:  // interesting bytes inside the payload (hits counts, lengths, enums, floats)
            guard bytes.count > header else { return }
            let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xC0, 0xF0, 0xFF]
            for _ in 0...rng.below(4) {
                bytes[header + rng.below(bytes.count - header)] = interesting[rng.below(interesting.count)]
            }
        case 5:  // an inner length or count inflated: a big-endian u16/u32 written mid-payload
            guard bytes.count > header + 4 else { return }
            let at = header + rng.below(bytes.count - 4 - header)
            let value = UInt32(truncatingIfNeeded: rng.next()) >> rng.below(32)
            let width = rng.coin() ? 2 : 4
            bytes.replaceSubrange(at..<at + width, with: value.bigEndianBytes.suffix(width))
        case 6:  // insert or delete payload bytes, keeping the header length consistent
            guard bytes.count > header else { return }
            let at = header + rng.below(bytes.count - header + 1)
            if rng.coin(), at < bytes.count {
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(8)))
            } else {
                bytes.insert(contentsOf: (0...rng.below(8)).map { _ in rng.byte() }, at: at)
            }
            bytes.replaceSubrange(4..<8, with: UInt32(bytes.count - header).bigEndianBytes)
        default:  // another frame appended: the decoder must stay on frame boundaries
            bytes += corpus[rng.below(corpus.count)]
        }
    }
}

/// Cheap draws for the mutation loop (the generic `random(in:)` dominates debug builds).
extension SeededGenerator {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func coin() -> Bool { next() & 1 == 1 }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

extension UInt32 {
    init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24), UInt8(truncatingIfNeeded: self >> 16), UInt8(truncatingIfNeeded: self >> 8), UInt8(truncatingIfNeeded: self)]
    }
}
