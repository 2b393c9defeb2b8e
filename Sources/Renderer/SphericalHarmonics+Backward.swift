extension SphericalHarmonics {
    /// Σ_k weights_k · ∂basis_k/∂d for a unit direction d: the chain-rule term of a view
    /// direction through the basis of ``basis(degree:direction:)`` (derivatives of its closed
    /// forms, treating x, y, z as independent; the caller projects out the normalisation).
    @inlinable
    public static func basisGradient(degree: Int, direction d: SIMD3<Float>, weights w: SIMD16<Float>) -> SIMD3<Float> {
        guard degree > 0 else { return .zero }
        let (x, y, z) = (d.x, d.y, d.z)
        var g = SIMD3<Float>(-c1 * w[3], -c1 * w[1], c1 * w[2])
        guard degree > 1 else { return g }
        let (xx, yy, zz, xy, yz, xz) = (x * x, y * y, z * z, x * y, y * z, x * z)
        g.x += c2.0 * y * w[4] - 2 * c2.2 * x * w[6] + c2.3 * z * w[7] + 2 * c2.4 * x * w[8]
        g.y += c2.0 * x * w[4] + c2.1 * z * w[5] - 2 * c2.2 * y * w[6] - 2 * c2.4 * y * w[8]
        g.z += c2.1 * y * w[5] + 4 * c2.2 * z * w[6] + c2.3 * x * w[7]
        guard degree > 2 else { return g }
        g.x +=
            c3.0 * 6 * xy * w[9] + c3.1 * yz * w[10] - c3.2 * 2 * xy * w[11] - c3.3 * 6 * xz * w[12]
            + c3.4 * (4 * zz - 3 * xx - yy) * w[13] + c3.5 * 2 * xz * w[14] + c3.6 * 3 * (xx - yy) * w[15]
        g.y +=
            c3.0 * 3 * (xx - yy) * w[9] + c3.1 * xz * w[10] + c3.2 * (4 * zz - xx - 3 * yy) * w[11]
            - c3.3 * 6 * yz * w[12] - c3.4 * 2 * xy * w[13] - c3.5 * 2 * yz * w[14] - c3.6 * 6 * xy * w[15]
        g.z +=
            c3.1 * xy * w[10] + c3.2 * 8 * yz * w[11] + c3.3 * (6 * zz - 3 * xx - 3 * yy) * w[12]
            + c3.4 * 8 * xz * w[13] + c3.5 * (xx - yy) * w[14]
        return g
    }
}
