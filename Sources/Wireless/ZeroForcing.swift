import COpenBLAS
import Numerics

/// Zero-forcing reception of K single-antenna users at an N-antenna server (GSMR eq. 34–36).
///
/// With `H = [h_1 … h_K]` the receiver is `W = (HᴴH)⁻¹Hᴴ`; row k, `w_kᴴ`, nulls every other user,
/// and user k's effective gain `|w_kᴴh_k|²/‖w_k‖²` equals `1/[(HᴴH)⁻¹]_kk`.
public enum ZeroForcing {
    /// The effective gains `G_k = 1/[(HᴴH)⁻¹]_kk` for channels `channels[k]` (each of length N,
    /// N ≥ K). The Gram matrix is inverted by Cholesky (LAPACK zpotrf + zpotri).
    public static func effectiveGains(_ channels: [[Complex<Double>]]) throws -> [Double] {
        let inverse = try inverseGram(channels)
        return (0..<channels.count).map { 1 / inverse[$0 * channels.count + $0].real }
    }

    /// `(HᴴH)⁻¹` as a dense K×K column-major array (both triangles filled).
    public static func inverseGram(_ channels: [[Complex<Double>]]) throws -> [Complex<Double>] {
        let users = channels.count
        guard users > 0, let antennas = channels.first?.count, antennas > 0 else {
            throw WirelessError(.invalidInput, "zero forcing needs at least one user and one antenna")
        }
        guard channels.allSatisfy({ $0.count == antennas }) else {
            throw WirelessError(.invalidInput, "every channel vector must have \(antennas) entries")
        }
        guard antennas >= users else {
            throw WirelessError(.invalidInput, "zero forcing needs N ≥ K, got N=\(antennas), K=\(users)")
        }
        // Interleaved (re, im) column-major storage, the layout of lapack_complex_double.
        var gram = [Double](repeating: 0, count: 2 * users * users)
        for j in 0..<users {
            for i in 0...j {
                let entry = ChannelVector.innerProduct(channels[i], channels[j])
                gram[2 * (j * users + i)] = entry.real
                gram[2 * (j * users + i) + 1] = entry.imaginary
            }
        }
        let n = Int32(users)
        let upper = CChar(UInt8(ascii: "U"))
        let info = gram.withUnsafeMutableBufferPointer { buffer -> Int32 in
            let matrix = OpaquePointer(buffer.baseAddress!)
            let factor = LAPACKE_zpotrf(LAPACK_COL_MAJOR, upper, n, matrix, n)
            guard factor == 0 else { return factor }
            return LAPACKE_zpotri(LAPACK_COL_MAJOR, upper, n, matrix, n)
        }
        guard info == 0 else {
            throw WirelessError(
                .singularChannel, "HᴴH is not positive definite (LAPACK info \(info)): channels are linearly dependent")
        }
        var inverse = [Complex<Double>](repeating: .zero, count: users * users)
        for j in 0..<users {
            for i in 0...j {
                let value = Complex(gram[2 * (j * users + i)], gram[2 * (j * users + i) + 1])
                inverse[j * users + i] = value
                inverse[i * users + j] = value.conjugate
            }
        }
        return inverse
    }
}
