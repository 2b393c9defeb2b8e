import Foundation

/// One Gaussian in the stored (pre-activation) parameterisation of the 3DGS PLY format.
///
/// Used to build and inspect scenes one Gaussian at a time; scenes themselves store
/// structure-of-arrays (see ``GaussianScene``).
public struct Gaussian: Sendable, Equatable {
    /// Centre in world coordinates.
    public var position: SIMD3<Float>
    /// Natural logarithm of the three axis scales.
    public var logScale: SIMD3<Float>
    /// Rotation as a (not necessarily normalised) quaternion, (w, x, y, z).
    public var rotation: SIMD4<Float>
    /// Opacity before the sigmoid.
    public var opacityLogit: Float
    /// Spherical-harmonic coefficients, `(degree + 1)²` of them, RGB each; index 0 is the DC term.
    public var sh: [SIMD3<Float>]

    /// A Gaussian from its stored parameters.
    public init(
        position: SIMD3<Float>, logScale: SIMD3<Float>, rotation: SIMD4<Float>,
        opacityLogit: Float, sh: [SIMD3<Float>]
    ) {
        self.position = position
        self.logScale = logScale
        self.rotation = rotation
        self.opacityLogit = opacityLogit
        self.sh = sh
    }

    /// A Gaussian from activated quantities: scales, opacity in (0, 1), and a base colour in
    /// [0, 1] that becomes the DC coefficient; higher SH coefficients are zero.
    public init(
        position: SIMD3<Float>, scale: SIMD3<Float>, rotation: SIMD4<Float> = SIMD4(1, 0, 0, 0),
        opacity: Float, color: SIMD3<Float>, shDegree: Int = 0
    ) {
        let clampedOpacity = min(max(opacity, 1e-6), 1 - 1e-6)
        var coefficients = [SIMD3<Float>](repeating: .zero, count: (shDegree + 1) * (shDegree + 1))
        coefficients[0] = SphericalHarmonics.dcCoefficient(forColor: color)
        self.init(
            position: position,
            logScale: SIMD3(log(scale.x), log(scale.y), log(scale.z)),
            rotation: rotation,
            opacityLogit: log(clampedOpacity / (1 - clampedOpacity)),
            sh: coefficients)
    }
}
