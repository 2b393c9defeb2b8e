/// A fast, seeded, reproducible random number generator (xoshiro256**), seeded through
/// SplitMix64 as its authors recommend.
///
/// Every place where randomness enters splatedge takes one of these, so a run is a function
/// of its seeds. Streams keyed by `(seed, stream, index)` let independent processes draw the
/// same realisation (e.g. the fading of link 7 in slot 1234) without sharing state.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator for one keyed stream: the same `(seed, stream, index)` always yields the
    /// same sequence, and different keys yield statistically independent sequences.
    ///
    /// Used for block fading keyed by (seed, link id, slot).
    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        var key = SplitMix64(state: seed)
        var h = key.next()
        h = SplitMix64.mix(h ^ SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019))
        h = SplitMix64.mix(h ^ SplitMix64.mix(index &+ 0xD1B5_4A32_D192_ED03))
        self.init(seed: h)
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea, Flood 2014): expands a 64-bit seed into well-mixed state words.
@usableFromInline struct SplitMix64 {
    @usableFromInline var state: UInt64

    @usableFromInline init(state: UInt64) { self.state = state }

    @usableFromInline mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    @usableFromInline static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
