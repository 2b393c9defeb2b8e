import Protocol
import Renderer

extension Pose {
    /// The pose of `camera`: its position and its camera-to-world rotation as a unit quaternion
    /// in the wire's `(x, y, z, w)` order.
    public init(camera: Camera) {
        let (x, y, z) = camera.rotation  // rows of world→camera = the camera's axes in the world
        // Camera-to-world matrix R[i][j]: column j is camera axis j.
        let r00 = Double(x.x), r01 = Double(y.x), r02 = Double(z.x)
        let r10 = Double(x.y), r11 = Double(y.y), r12 = Double(z.y)
        let r20 = Double(x.z), r21 = Double(y.z), r22 = Double(z.z)
        let trace = r00 + r11 + r22
        // Shepperd's method: divide by the largest of the four candidates for stability.
        let q: SIMD4<Double>
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = SIMD4((r21 - r12) / s, (r02 - r20) / s, (r10 - r01) / s, s / 4)
        } else if r00 > r11, r00 > r22 {
            let s = (1 + r00 - r11 - r22).squareRoot() * 2
            q = SIMD4(s / 4, (r01 + r10) / s, (r02 + r20) / s, (r21 - r12) / s)
        } else if r11 > r22 {
            let s = (1 + r11 - r00 - r22).squareRoot() * 2
            q = SIMD4((r01 + r10) / s, s / 4, (r12 + r21) / s, (r02 - r20) / s)
        } else {
            let s = (1 + r22 - r00 - r11).squareRoot() * 2
            q = SIMD4((r02 + r20) / s, (r12 + r21) / s, s / 4, (r10 - r01) / s)
        }
        let position = camera.position
        self.init(position: SIMD3(Double(position.x), Double(position.y), Double(position.z)), orientation: q)
    }

    /// The camera at this pose with `intrinsics`.
    ///
    /// - Throws: `RendererError` when the orientation is not a rotation (zero or non-finite).
    public func camera(intrinsics: Camera.Intrinsics) throws -> Camera {
        // Normalised in Double first: Float cannot hold every finite quaternion the wire admits.
        let unit = unitOrientation
        let q = SIMD4<Float>(Float(unit.w), Float(unit.x), Float(unit.y), Float(unit.z))
        return try Camera(position: SIMD3<Float>(position), orientation: q, intrinsics: intrinsics)
    }
}
