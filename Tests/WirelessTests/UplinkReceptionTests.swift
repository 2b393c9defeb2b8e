import Numerics
import SeededRandom
import Testing
import Wireless

/// MRC and ZF reception against the closed forms they must reduce to.
@Suite struct UplinkReceptionTests {
    static func channels(_ users: Int, antennas: Int, seed: UInt64) -> [[Complex<Double>]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<users).map { _ in
            (0..<antennas).map { _ in Complex(generator.nextGaussian() * 0.01, generator.nextGaussian() * 0.01) }
        }
    }

    @Test("ZF on exact estimates: no interference, SINR = p_k·G_k/σ² with G_k = 1/[(HᴴH)⁻¹]_kk")
    func zeroForcingNullsTheOthers() throws {
        let h = Self.channels(3, antennas: 4, seed: 2)
        let powers = [0.01, 0.02, 0.005], noise = 1e-9
        let gains = try ZeroForcing.effectiveGains(h)
        for k in 0..<3 {
            let outcome = try UplinkReception.outcome(of: k, combiner: .zf, estimates: h, truths: h, powers: powers, noise: noise)
            #expect(outcome.interferenceToNoise < 1e-9)
            #expect(abs(outcome.sinr / (powers[k] * gains[k] / noise) - 1) < 1e-9)
        }
    }

    @Test("MRC: SINR = p_k‖h_k‖² / (Σ_j p_j|h_kᴴh_j|²/‖h_k‖² + σ²), the composite gains of STT-GS eq. 5")
    func maximumRatioInterferes() throws {
        let h = Self.channels(3, antennas: 4, seed: 3)
        let powers = [0.01, 0.02, 0.005], noise = 1e-9
        let composite = ChannelVector.mrcCompositeGains(h)
        for k in 0..<3 {
            let outcome = try UplinkReception.outcome(of: k, combiner: .mrc, estimates: h, truths: h, powers: powers, noise: noise)
            let interference = (0..<3).filter { $0 != k }.map { powers[$0] * composite[k][$0] }.reduce(0, +)
            #expect(abs(outcome.sinr / (powers[k] * composite[k][k] / (interference + noise)) - 1) < 1e-9)
            #expect(abs(outcome.interferenceToNoise / (interference / noise) - 1) < 1e-9)
            #expect(outcome.interferenceToNoise > 0)
        }
    }

    @Test("ZF built from erroneous estimates leaves a residue; with N < K it is refused")
    func zeroForcingLimits() throws {
        let truth = Self.channels(2, antennas: 4, seed: 4)
        let estimates = truth.map { $0.map { $0 + Complex(1e-4, -1e-4) } }
        let outcome = try UplinkReception.outcome(of: 0, combiner: .zf, estimates: estimates, truths: truth, powers: [0.01, 0.01], noise: 1e-9)
        #expect(outcome.interferenceToNoise > 0)
        #expect(throws: WirelessError.self) {
            try UplinkReception.outcome(
                of: 0, combiner: .zf, estimates: Self.channels(3, antennas: 2, seed: 5), truths: Self.channels(3, antennas: 2, seed: 5),
                powers: [1, 1, 1], noise: 1)
        }
    }
}
