import Foundation
import Numerics
import SeededRandom
import Testing
import Wireless

@Suite struct OutageTests {
    /// The analytic outage equals the fraction of seeded draws `h = h̃ + Δh` whose SNR falls
    /// short, within 4.5 binomial standard errors.
    @Test(arguments: [0.036, 0.042, 0.05, 0.065])
    func agreesWithMonteCarlo(power: Double) {
        let estimate = Complex(6e-4, -8e-4)  // |h̃|² = 1e−6 (ρ0 = −30 dB at 10 m, α = 3)
        let model = ChannelEstimateError(relativeVariance: 0.04)
        let noise = 1e-9
        let snr = Outage.requiredSNR(bits: 537_600, duration: 0.1, bandwidth: 1e6)
        let analytic = Outage.probability(
            estimateGain: estimate.lengthSquared, errorVariance: model.errorVariance(of: estimate),
            snr: snr, noise: noise, power: power)
        var generator = SeededGenerator(seed: 2024, stream: 7, index: 0)
        let draws = 100_000
        var failures = 0
        for _ in 0..<draws {
            let h = model.trueChannel(estimate: estimate, using: &generator)
            if h.lengthSquared * power / noise < snr { failures += 1 }
        }
        let estimateRate = Double(failures) / Double(draws)
        let standardError = (max(analytic * (1 - analytic), 1e-6) / Double(draws)).squareRoot()
        #expect(analytic > 0.001 && analytic < 0.999, "the test powers should give a non-trivial outage")
        #expect(abs(estimateRate - analytic) < 4.5 * standardError)
    }

    @Test func decreasesWithPower() {
        var previous = 1.0
        for step in 1...60 {
            let value = Outage.probability(
                estimateGain: 1e-6, errorVariance: 4e-8, snr: 40.5, noise: 1e-9,
                power: Double(step) * 2e-3)
            #expect(value <= previous)
            previous = value
        }
        #expect(previous < 1e-2)
    }

    @Test func perfectCSIIsAStep() {
        let needed = 40.5 * 1e-9 / 1e-6
        #expect(Outage.probability(estimateGain: 1e-6, errorVariance: 0, snr: 40.5, noise: 1e-9, power: needed * 1.001) == 0)
        #expect(Outage.probability(estimateGain: 1e-6, errorVariance: 0, snr: 40.5, noise: 1e-9, power: needed * 0.999) == 1)
    }

    @Test func powerInvertsTheThreshold() {
        let (_, b) = Outage.normalisedArguments(
            estimateGain: 2e-6, errorVariance: 8e-8, snr: 40.5, noise: 1e-9, power: 0.01)
        let power = Outage.power(atNormalisedThreshold: b, errorVariance: 8e-8, snr: 40.5, noise: 1e-9)
        #expect(abs(power / 0.01 - 1) < 1e-14)
    }
}
