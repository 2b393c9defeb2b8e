import Foundation
import Numerics
import Testing
@testable import Wireless

/// Marcum Q1 against closed forms and an independent extended-precision quadrature of the
/// Rician density, over the range GSMR's outage formula uses (a = |h̃|/√(ω²/2) ≈ 7.07 when
/// ω² = 0.04|h̃|², and thresholds b up to well past a).
@Suite struct MarcumQTests {
    /// `I0(z)·e^(−z)` from the power series `Σ (z/2)^(2k)/(k!)²`, summed in Float80 (all terms
    /// positive, and Float80's range holds e^z for every z used here).
    static func scaledBesselI0(_ z: Float80) -> Float80 {
        var term: Float80 = 1, sum: Float80 = 1, k: Float80 = 0
        let quarter = z * z / 4
        while term > sum * 1e-22 || k < z {
            k += 1
            term *= quarter / (k * k)
            sum += term
        }
        return sum * Float80.exp(-z)
    }

    /// `1 − Q1(a, b) = ∫_0^b x·e^(−(x−a)²/2)·[I0(ax)e^(−ax)] dx` by Romberg integration
    /// (trapezoid sums with 2^14 panels, four Richardson levels) in Float80.
    static func referenceComplement(_ a: Double, _ b: Double) -> Double {
        let A = Float80(a), B = Float80(b)
        func integrand(_ x: Float80) -> Float80 {
            x * Float80.exp(-(x - A) * (x - A) / 2) * scaledBesselI0(A * x)
        }
        let levels = 5
        let finest = 1 << 14
        let h = B / Float80(finest)
        let samples = (0...finest).map { integrand(Float80($0) * h) }
        var table: [Float80] = []
        for level in 0..<levels {
            let step = 1 << (levels - 1 - level)
            let panels = finest / step
            var sum = (samples[0] + samples[finest]) / 2
            for i in 1..<panels { sum += samples[i * step] }
            table.append(sum * h * Float80(step))
        }
        // Richardson: eliminate h², h⁴, h⁶, h⁸.
        for order in 1..<levels {
            let factor = Float80.pow(4, order)
            for i in stride(from: levels - 1, through: order, by: -1) {
                table[i] = (factor * table[i] - table[i - 1]) / (factor - 1)
            }
        }
        return Double(table[levels - 1])
    }

    @Test(arguments: [0.0, 0.3, 1, 2.5, 6, 12])
    func zeroAmplitudeIsGaussianTail(b: Double) {
        #expect(abs(MarcumQ.q1(0, b) - exp(-b * b / 2)) < 1e-15)
        #expect(abs(MarcumQ.complement(0, b) + expm1(-b * b / 2)) < 1e-15)
    }

    @Test(arguments: [0.0, 0.5, 7.0710678118654755, 40])
    func zeroThresholdIsCertain(a: Double) {
        #expect(MarcumQ.q1(a, 0) == 1)
        #expect(MarcumQ.complement(a, 0) == 0)
    }

    /// `Q1(a, b) + Q1(b, a) = 1 + e^(−(a²+b²)/2)·I0(ab)`.
    @Test(arguments: [(0.5, 1.5), (3.0, 3.0), (7.07, 5.2), (12.0, 15.0), (25.0, 21.0)])
    func symmetryIdentity(a: Double, b: Double) {
        let scaled = Self.scaledBesselI0(Float80(a * b))
        let expected = 1 + Double(scaled * Float80.exp(-Float80((a - b) * (a - b)) / 2))
        #expect(abs(MarcumQ.q1(a, b) + MarcumQ.q1(b, a) - expected) < 1e-12)
    }

    @Test(arguments: [0.5, 2, 7.0710678118654755, 12, 25], [0.1, 1, 3, 5.5, 7, 9, 14])
    func matchesQuadratureReference(a: Double, b: Double) {
        let reference = Self.referenceComplement(a, b)
        let (q, complement) = MarcumQ.tails(a, b)
        #expect(abs(complement - reference) < 1e-10)
        #expect(abs(q - (1 - reference)) < 1e-10)
        if reference > 1e-6 { #expect(abs(complement / reference - 1) < 1e-9) }
        #expect(abs(q + complement - 1) < 1e-13)
    }

    @Test func decreasesInThresholdAndIncreasesInAmplitude() {
        var previous = 1.0
        for step in 1...60 {
            let value = MarcumQ.q1(7.07, Double(step) * 0.25)
            #expect(value <= previous)
            previous = value
        }
        #expect(MarcumQ.q1(3, 4) < MarcumQ.q1(4, 4))
    }
}
