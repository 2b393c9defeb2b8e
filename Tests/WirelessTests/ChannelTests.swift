import Numerics
import Foundation
import SeededRandom
import Testing
import Wireless

@Suite struct ChannelTests {
    @Test func pathLossFollowsPowerLaw() {
        let law = PathLoss(referenceGainDB: -30, exponent: 3)
        #expect(abs(law.gain(distance: 10) - 1e-6) < 1e-18)
        #expect(abs(law.gain(distance: 1) - 1e-3) < 1e-15)
    }

    @Test func realisationIsKeyedBySeedLinkSlot() {
        let channel = RicianChannel(antennas: 4, kFactorDB: 0, largeScaleGain: 1e-6)
        let a = channel.realisation(seed: 5, link: 2, slot: 10)
        #expect(a == channel.realisation(seed: 5, link: 2, slot: 10))
        #expect(a != channel.realisation(seed: 5, link: 2, slot: 11))
        #expect(a != channel.realisation(seed: 5, link: 3, slot: 10))
    }

    /// E‖h‖² = N·β for any K-factor (LOS and scattered parts both have unit power per antenna).
    @Test(arguments: [-Double.infinity, 0, 30])
    func meanSquaredNormIsNBeta(kFactorDB: Double) {
        let beta = 2e-5
        let channel = RicianChannel(antennas: 8, kFactorDB: kFactorDB, largeScaleGain: beta)
        var generator = SeededGenerator(seed: 11)
        let draws = 20_000
        var sum = 0.0
        for _ in 0..<draws { sum += ChannelVector.squaredNorm(channel.draw(using: &generator)) }
        let mean = sum / Double(draws)
        // ‖h‖²/β has variance ≤ N (Rayleigh: Gamma(N,1)); allow 6 standard errors.
        #expect(abs(mean / (8 * beta) - 1) < 6 * (8.0).squareRoot() / 8 / Double(draws).squareRoot())
    }

    @Test func mrcGainsMatchDefinition() {
        let h: [[Complex<Double>]] = [
            [Complex(1, 0), Complex(0, 1)],
            [Complex(0.5, -0.5), Complex(2, 0)],
        ]
        let gains = ChannelVector.mrcCompositeGains(h)
        #expect(abs(gains[0][0] - 2) < 1e-15)
        #expect(abs(gains[1][1] - 4.5) < 1e-15)
        // h0ᴴh1 = 1·(0.5−0.5i) + (−i)·2 = 0.5 − 2.5i → |.|² = 6.5
        #expect(abs(gains[0][1] - 6.5 / 2) < 1e-15)
        #expect(abs(gains[1][0] - 6.5 / 4.5) < 1e-15)
    }

    @Test func minimumPowerAchievesTheRate() {
        let p = Shannon.minimumPower(bits: 537_600, duration: 0.1, bandwidth: 1e6, noise: 1e-9, gain: 1e-6)
        let rate = Shannon.rate(bandwidth: 1e6, sinr: p * 1e-6 / 1e-9)
        #expect(abs(rate * 0.1 - 537_600) < 1e-6)
    }
}
