import Numerics
import SeededRandom
import Testing
import Wireless

@Suite struct ZeroForcingTests {
    /// `(HᴴH)⁻¹` by Gauss–Jordan with partial pivoting, written here independently of LAPACK.
    static func inverse(_ matrix: [[Complex<Double>]]) -> [[Complex<Double>]] {
        let n = matrix.count
        var a = matrix
        var inv = (0..<n).map { i in (0..<n).map { j in i == j ? Complex<Double>.one : .zero } }
        for column in 0..<n {
            let pivot = (column..<n).max { a[$0][column].length < a[$1][column].length }!
            a.swapAt(column, pivot)
            inv.swapAt(column, pivot)
            let scale = Complex<Double>.one / a[column][column]
            for j in 0..<n {
                a[column][j] *= scale
                inv[column][j] *= scale
            }
            for row in 0..<n where row != column {
                let factor = a[row][column]
                for j in 0..<n {
                    a[row][j] -= factor * a[column][j]
                    inv[row][j] -= factor * inv[column][j]
                }
            }
        }
        return inv
    }

    /// Builds the explicit receiver `W = (HᴴH)⁻¹Hᴴ` and checks that its rows null the other
    /// users and that `|w_kᴴh_k|²/‖w_k‖²` equals the LAPACK-based gain.
    @Test(arguments: [(4, 2), (6, 4), (8, 8)])
    func gainEqualsExplicitReceiver(antennas: Int, users: Int) throws {
        let channel = RicianChannel(antennas: antennas, kFactorDB: 0, largeScaleGain: 1e-6)
        var generator = SeededGenerator(seed: 99, stream: UInt64(antennas), index: UInt64(users))
        let h = (0..<users).map { _ in channel.draw(using: &generator) }
        let gram = (0..<users).map { i in (0..<users).map { j in ChannelVector.innerProduct(h[i], h[j]) } }
        let gramInverse = Self.inverse(gram)
        // w_kᴴ = Σ_j [(HᴴH)⁻¹]_kj h_jᴴ, so w_k = Σ_j conj([(HᴴH)⁻¹]_kj) h_j.
        let receivers = (0..<users).map { k in
            (0..<antennas).map { n in
                (0..<users).reduce(Complex<Double>.zero) { $0 + gramInverse[k][$1].conjugate * h[$1][n] }
            }
        }
        let gains = try ZeroForcing.effectiveGains(h)
        for k in 0..<users {
            for j in 0..<users {
                let response = ChannelVector.innerProduct(receivers[k], h[j])
                let expected = k == j ? Complex<Double>.one : .zero
                #expect((response - expected).length < 1e-9)
            }
            let explicit =
                ChannelVector.innerProduct(receivers[k], h[k]).lengthSquared
                / ChannelVector.squaredNorm(receivers[k])
            #expect(abs(gains[k] / explicit - 1) < 1e-10)
            // Zero forcing can only lose gain relative to a lone user's MRC.
            #expect(gains[k] <= ChannelVector.squaredNorm(h[k]) * (1 + 1e-12))
        }
    }

    @Test func singleUserGainIsSquaredNorm() throws {
        let h = [[Complex(1.0, 2.0), Complex(-0.5, 0.25)]]
        #expect(abs(try ZeroForcing.effectiveGains(h)[0] - 5.3125) < 1e-13)
    }

    @Test func rejectsDependentAndUnderdeterminedChannels() {
        let h = [Complex(1.0, 0.5), Complex(0.0, -1.0)]
        #expect(throws: WirelessError.self) { try ZeroForcing.effectiveGains([h, h]) }
        #expect(throws: WirelessError(.invalidInput, "zero forcing needs N ≥ K, got N=1, K=2")) {
            try ZeroForcing.effectiveGains([[Complex(1.0, 0)], [Complex(0.0, 1)]])
        }
    }
}
