import Foundation
import SeededRandom
import Testing

@testable import EdgeServer

/// Q_GS decided online by its Lagrangian price (``LowPowerPrice``).
@Suite struct LowPowerPriceTests {
    @Test("an image is sent exactly when μ·L_t ≥ Δc_t; the start price makes the reference frame indifferent")
    func decisionIsThePricedComparison() {
        let price = LowPowerPrice(referenceExtraPower: 0.5, referenceLoss: 0.25)
        #expect(price.price == 2)
        #expect(price.sendsImage(loss: 0.25, extraPower: 0.5))
        #expect(!price.sendsImage(loss: 0.25, extraPower: 0.5001))
        #expect(price.sendsImage(loss: 0.5, extraPower: 1))
        #expect(!price.sendsImage(loss: 0, extraPower: 1e-6))
    }

    @Test("settling multiplies the price by exp(κ·(accrued − L_th)/L_th), within its bounds")
    func settleIsMultiplicativeDualAscent() {
        var price = LowPowerPrice(referenceExtraPower: 0.5, referenceLoss: 0.25)
        price.settle(accruedLoss: 0.06, threshold: 0.03)
        #expect(abs(price.price - 2 * exp(LowPowerPrice.step)) < 1e-14)
        price.settle(accruedLoss: 0, threshold: 0.03)
        #expect(abs(price.price - 2) < 1e-14)
        for _ in 0..<100_000 { price.settle(accruedLoss: 1, threshold: 0.001) }
        #expect(price.price == LowPowerPrice.bounds.upperBound)
        #expect(LowPowerPrice(referenceExtraPower: 1, referenceLoss: 0).price == LowPowerPrice.bounds.upperBound)
    }

    /// The purpose of the price: on a stationary stream of frames (losses uniform in
    /// [0, 0.1], extra powers exponential — Rayleigh fading's 1/g tail — seeded), the average
    /// loss settles at L_th, and the power spent is no more than a fixed threshold that meets
    /// L_th as well, chosen in hindsight over the same frames (the offline Q_GS optimum of the
    /// Lagrangian form, found here by bisection on μ).
    @Test(arguments: [0.01, 0.03])
    func averageLossSettlesAtTheThresholdAtNearOfflinePower(threshold: Double) {
        var generator = SeededGenerator(seed: 11, stream: 0, index: 0)
        let frames = (0..<40_000).map { _ in
            (loss: generator.nextUniform(in: 0..<0.1), extra: -0.01 * log(1 - generator.nextUniform(in: 0..<1)))
        }
        var price = LowPowerPrice(referenceExtraPower: 0.01, referenceLoss: 0.05)
        var (loss, power) = (0.0, 0.0)
        for frame in frames {
            let image = price.sendsImage(loss: frame.loss, extraPower: frame.extra)
            price.settle(accruedLoss: image ? 0 : frame.loss, threshold: threshold)
            loss += image ? 0 : frame.loss
            power += image ? frame.extra : 0
        }
        let n = Double(frames.count)
        #expect(abs(loss / n - threshold) < 0.03 * threshold, "average loss \(loss / n) against L_th \(threshold)")
        // Hindsight: the fixed μ whose average loss is L_th, by bisection.
        func outcome(_ mu: Double) -> (loss: Double, power: Double) {
            frames.reduce(into: (0.0, 0.0)) { sum, frame in
                if mu * frame.loss >= frame.extra { sum.1 += frame.extra } else { sum.0 += frame.loss }
            }
        }
        var (low, high) = (1e-6, 1e6)
        for _ in 0..<200 {
            let mid = (low * high).squareRoot()
            if outcome(mid).loss / n > threshold { low = mid } else { high = mid }
        }
        let hindsight = outcome(high)
        #expect(hindsight.loss / n <= threshold)
        #expect(power / n <= 1.05 * hindsight.power / n, "online \(power / n) W against hindsight \(hindsight.power / n) W")
    }
}
