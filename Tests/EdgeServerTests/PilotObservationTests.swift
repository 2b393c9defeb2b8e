import Foundation
import Numerics
import Optimizers
import SlotModel
import Testing
import Wireless

/// The emulated pilot (GSMR §V's h = h̃ + Δh) against independent computations, and BILS's
/// guarantee against it: the power BILS plans on the estimate fails over the emulated truth
/// no more often than ε.
@Suite struct PilotObservationTests {
    static let position = SIMD3(6.0, 2.0, 1.6)

    @Test("r = 0: the truth is the estimate, the link's seeded realisation")
    func exactPilot() {
        let link = EmulatedLink.robotUplink
        let pilot = link.pilot(seed: 3, link: 2, slot: 9, position: Self.position, error: .init(relativeVariance: 0))
        #expect(pilot.truth == pilot.estimate)
        #expect(pilot.estimateGain == link.gain(seed: 3, link: 2, slot: 9, position: Self.position))
    }

    @Test(
        "Δh has mean 0 and variance ω² = r·‖h̃‖²/N per antenna; the estimates' mean power is N·ρ₀d^−α",
        arguments: [
            EmulatedLink.robotUplink, .userDownlink,
        ])
    func errorStatistics(link: EmulatedLink) {
        let r = 0.04
        let draws = 4000
        var normalised = Complex<Double>.zero, normalisedPower = 0.0, meanGain = 0.0
        for slot in 0..<UInt64(draws) {
            let pilot = link.pilot(seed: 5, link: 1, slot: slot, position: Self.position, error: .init(relativeVariance: r))
            let variance = r * pilot.estimateGain / Double(link.antennas)
            let n = Int(slot) % link.antennas
            let error = (pilot.truth[n] - pilot.estimate[n]).divided(by: variance.squareRoot())
            normalised += error
            normalisedPower += error.lengthSquared
            meanGain += pilot.estimateGain
        }
        let d = ((Self.position - link.antennaPosition) * (Self.position - link.antennaPosition)).sum().squareRoot()
        let expectedMean = Double(link.antennas) * 1e-3 / (d * d * d)
        // Standard errors: 1/√(2·4000) per part of the normalised mean, ~1/√4000 for its power.
        #expect(normalised.length / Double(draws) < 0.05)
        #expect(abs(normalisedPower / Double(draws) - 1) < 0.08)
        // ‖h‖²/(Nβ) has standard deviation ≤ 1/√N; over 4000 slots the mean is within 5 %.
        #expect(abs(meanGain / Double(draws) / expectedMean - 1) < 0.05)
    }

    @Test("BILS's power on the estimate fails over the emulated truth at most ε of the time; APO's more often")
    func bilsMeetsTheOutageTargetOverTheTruth() throws {
        let link = EmulatedLink.robotUplink
        let (epsilon, r) = (0.1, 0.04)
        let snr = Outage.requiredSNR(bits: 537_600, duration: 0.1, bandwidth: link.bandwidth)
        var bilsOutages = 0, apoOutages = 0
        let draws = 4000
        for slot in 0..<UInt64(draws) {
            let pilot = link.pilot(seed: 9, link: 4, slot: slot, position: Self.position, error: .init(relativeVariance: r))
            let estimate = pilot.estimateGain
            let robust = RobustCosts.effectiveGain(estimateGain: estimate, errorVariance: r * estimate, epsilon: epsilon)
            // The least power carrying I at gain g is γσ²/g; the transmission fails when ‖h‖²p/σ² < γ.
            if pilot.trueGain * (snr * link.noise / robust) / link.noise < snr { bilsOutages += 1 }
            if pilot.trueGain * (snr * link.noise / estimate) / link.noise < snr { apoOutages += 1 }
        }
        // Wilson 95 % upper bound of BILS's rate ≤ ε (its exact outage is ε: the bound is on ε).
        let bils = Double(bilsOutages) / Double(draws), apo = Double(apoOutages) / Double(draws)
        let half = 1.96 * (epsilon * (1 - epsilon) / Double(draws)).squareRoot()
        #expect(abs(bils - epsilon) < half)
        // At a = √(1/(r/2)) = 7.07 the estimate's own power fails about half the time.
        #expect(apo > 0.4)
    }
}
