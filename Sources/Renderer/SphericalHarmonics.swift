/// Real spherical harmonics up to degree 3 with the constants and sign convention of the 3DGS
/// reference implementation (Kerbl et al. 2023), which the PLY coefficients assume.
public enum SphericalHarmonics {
    /// Y₀⁰ = 1 / (2√π).
    public static let c0: Float = 0.28209479177387814
    /// Degree-1 normalisation √3 / (2√π).
    public static let c1: Float = 0.4886025119029199
    /// Degree-2 constants.
    public static let c2: (Float, Float, Float, Float, Float) = (
        1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396
    )
    /// Degree-3 constants.
    public static let c3: (Float, Float, Float, Float, Float, Float, Float) = (
        -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154,
        -0.4570457994644658, 1.445305721320277, -0.5900435899266435
    )

    /// The DC coefficient whose view-independent colour (after the +0.5 offset) is `color`.
    public static func dcCoefficient(forColor color: SIMD3<Float>) -> SIMD3<Float> {
        (color - 0.5) / c0
    }

    /// The basis values for a unit direction: entries `0..<(degree+1)²` are the real SH basis
    /// functions in the reference's order and sign convention; the rest are zero.
    @inlinable
    public static func basis(degree: Int, direction d: SIMD3<Float>) -> SIMD16<Float> {
        var b = SIMD16<Float>()
        b[0] = c0
        guard degree > 0 else { return b }
        let (x, y, z) = (d.x, d.y, d.z)
        b[1] = -c1 * y
        b[2] = c1 * z
        b[3] = -c1 * x
        guard degree > 1 else { return b }
        let (xx, yy, zz, xy, yz, xz) = (x * x, y * y, z * z, x * y, y * z, x * z)
        b[4] = c2.0 * xy
        b[5] = c2.1 * yz
        b[6] = c2.2 * (2 * zz - xx - yy)
        b[7] = c2.3 * xz
        b[8] = c2.4 * (xx - yy)
        guard degree > 2 else { return b }
        b[9] = c3.0 * y * (3 * xx - yy)
        b[10] = c3.1 * xy * z
        b[11] = c3.2 * y * (4 * zz - xx - yy)
        b[12] = c3.3 * z * (2 * zz - 3 * xx - 3 * yy)
        b[13] = c3.4 * x * (4 * zz - xx - yy)
        b[14] = c3.5 * z * (xx - yy)
        b[15] = c3.6 * x * (xx - 3 * yy)
        return b
    }

    /// The colour of the `(degree+1)²` RGB-interleaved coefficients at `coefficients` seen along
    /// unit direction `d`: Σ basis·coefficient + 0.5, clamped at 0 (no upper clamp, as in 3DGS).
    @inlinable
    public static func color(
        degree: Int, direction d: SIMD3<Float>, coefficients: UnsafePointer<Float>
    ) -> SIMD3<Float> {
        let b = basis(degree: degree, direction: d)
        var result = SIMD3<Float>.zero
        for k in 0..<((degree + 1) * (degree + 1)) {
            result += b[k] * SIMD3(coefficients[3 * k], coefficients[3 * k + 1], coefficients[3 * k + 2])
        }
        result += 0.5
        return result.replacing(with: 0, where: result .< 0)
    }
}
