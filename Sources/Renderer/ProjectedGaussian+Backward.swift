import Foundation

extension ProjectedGaussian {
    /// The reverse pass of ``init(projecting:of:frame:)`` for a visible Gaussian: from the
    /// gradient with respect to its splat (mean, conic, opacity, colour) to the gradients with
    /// respect to its stored parameters, written at index `i` of `out`.
    ///
    /// Every step is the exact derivative of the forward's arithmetic — EWA splatting's
    /// Σ' = J·W·R·S·Sᵀ·Rᵀ·Wᵀ·Jᵀ + 0.3·I (Zwicker et al. 2002; Kerbl et al. 2023, eq. 5–6), the conic
    /// as the inverse of Σ', the SH colour with its clamp at 0, the sigmoid — including where the
    /// Jacobian's evaluation point is clamped to 1.3× the field of view: there t_x/t_z is a
    /// constant, so J depends on t_z alone (the INRIA backward drops part of that term; this
    /// keeps it, as gsplat does). Also stores ∂/∂(projected mean) and the splat's 3σ radius.
    static func backward(_ i: Int, of scene: UnsafeSceneView, frame: FrameConstants, splat: SplatGradient, into out: SceneGradientPointers) {
        let camera = frame.camera
        let w = camera.rotation
        let p = SIMD3(scene.positions[3 * i], scene.positions[3 * i + 1], scene.positions[3 * i + 2])
        let t = camera.toCamera(p)
        let z = t.z
        let (fx, fy) = (camera.fx, camera.fy)

        // The Jacobian's evaluation point and its derivatives with respect to t.
        let limitX = 1.3 * frame.tanHalfFovX, limitY = 1.3 * frame.tanHalfFovY
        var (tx, txByX, txByZ) = (t.x, Float(1), Float(0))
        var (ty, tyByY, tyByZ) = (t.y, Float(1), Float(0))
        if frame.clampsJacobian {
            let (ux, uy) = (t.x / z, t.y / z)
            let (cxr, cyr) = (min(limitX, max(-limitX, ux)), min(limitY, max(-limitY, uy)))
            tx = cxr * z
            ty = cyr * z
            if ux > limitX || ux < -limitX { (txByX, txByZ) = (0, cxr) }
            if uy > limitY || uy < -limitY { (tyByY, tyByZ) = (0, cyr) }
        }
        let j00 = fx / z, j02 = -(fx * tx) / (z * z)
        let j11 = fy / z, j12 = -(fy * ty) / (z * z)

        var q = SIMD4(scene.rotations[4 * i], scene.rotations[4 * i + 1], scene.rotations[4 * i + 2], scene.rotations[4 * i + 3])
        let qNorm = (q * q).sum().squareRoot()
        q /= qNorm
        let logScales = SIMD3(scene.logScales[3 * i], scene.logScales[3 * i + 1], scene.logScales[3 * i + 2])
        let s = SIMD3(Foundation.exp(logScales.x), Foundation.exp(logScales.y), Foundation.exp(logScales.z))
        let rotation = Camera.rotationMatrix(q)
        let columns = (
            SIMD3(rotation.0.x, rotation.1.x, rotation.2.x),
            SIMD3(rotation.0.y, rotation.1.y, rotation.2.y),
            SIMD3(rotation.0.z, rotation.1.z, rotation.2.z)
        )
        let m0 = j00 * w.0 + j02 * w.2
        let m1 = j11 * w.1 + j12 * w.2
        let v0 = SIMD3((m0 * columns.0).sum(), (m0 * columns.1).sum(), (m0 * columns.2).sum())
        let v1 = SIMD3((m1 * columns.0).sum(), (m1 * columns.1).sum(), (m1 * columns.2).sum())
        let u0 = v0 * s, u1 = v1 * s
        let a = (u0 * u0).sum() + frame.dilation
        let b = (u0 * u1).sum()
        let c = (u1 * u1).sum() + frame.dilation
        let det = a * c - b * b

        // Conic (c, −b, a)/det → covariance entries a, b, c.
        let g = splat.conic
        let inverseSquare = 1 / (det * det)
        let ga = (-c * c * g.x + b * c * g.y - b * b * g.z) * inverseSquare
        let gb = (2 * b * c * g.x - (det + 2 * b * b) * g.y + 2 * a * b * g.z) * inverseSquare
        let gc = (-b * b * g.x + a * b * g.y - a * a * g.z) * inverseSquare
        // a = |u0|² + d, b = u0·u1, c = |u1|² + d with u = v ⊙ s, v = Rᵀm.
        let gu0 = 2 * ga * u0 + gb * u1
        let gu1 = gb * u0 + 2 * gc * u1
        let gLogScale = (gu0 * v0 + gu1 * v1) * s
        let gv0 = gu0 * s, gv1 = gu1 * s
        let gm0 = SIMD3((rotation.0 * gv0).sum(), (rotation.1 * gv0).sum(), (rotation.2 * gv0).sum())
        let gm1 = SIMD3((rotation.0 * gv1).sum(), (rotation.1 * gv1).sum(), (rotation.2 * gv1).sum())
        let gRotation = (m0.x * gv0 + m1.x * gv1, m0.y * gv0 + m1.y * gv1, m0.z * gv0 + m1.z * gv1)
        let gQuaternion = Self.quaternionGradient(q, norm: qNorm, matrixGradient: gRotation)

        // J → t, and the projected mean → t.
        let gj00 = (gm0 * w.0).sum(), gj02 = (gm0 * w.2).sum()
        let gj11 = (gm1 * w.1).sum(), gj12 = (gm1 * w.2).sum()
        let z2 = z * z, z3 = z2 * z
        let gtx = -fx / z2 * gj02, gty = -fy / z2 * gj12
        let gt = SIMD3<Float>(
            splat.mean.x * fx / z + gtx * txByX,
            splat.mean.y * fy / z + gty * tyByY,
            -splat.mean.x * fx * t.x / z2 - splat.mean.y * fy * t.y / z2 - fx / z2 * gj00 - fy / z2 * gj11
                + 2 * fx * tx / z3 * gj02 + 2 * fy * ty / z3 * gj12 + gtx * txByZ + gty * tyByZ)
        var gPosition = w.0 * gt.x + w.1 * gt.y + w.2 * gt.z

        // Colour: Σ basis·coefficient + 0.5, clamped at 0 (no gradient through a clamped channel).
        let shStride = 3 * scene.coefficientsPerChannel
        let coefficients = scene.sh + shStride * i
        let viewDirection = p - frame.cameraPosition
        let distance = max((viewDirection * viewDirection).sum().squareRoot(), 1e-12)
        let direction = viewDirection / distance
        let degree = frame.shDegree
        let basis = SphericalHarmonics.basis(degree: degree, direction: direction)
        var raw = SIMD3<Float>(repeating: 0.5)
        let used = (degree + 1) * (degree + 1)
        for k in 0..<used { raw += basis[k] * SIMD3(coefficients[3 * k], coefficients[3 * k + 1], coefficients[3 * k + 2]) }
        let gColor = splat.color.replacing(with: 0, where: raw .< 0)
        var basisWeights = SIMD16<Float>()
        let shOut = out.sh + shStride * i
        for k in 0..<used {
            let coefficient = SIMD3(coefficients[3 * k], coefficients[3 * k + 1], coefficients[3 * k + 2])
            basisWeights[k] = (coefficient * gColor).sum()
            shOut[3 * k] = basis[k] * gColor.x
            shOut[3 * k + 1] = basis[k] * gColor.y
            shOut[3 * k + 2] = basis[k] * gColor.z
        }
        let gDirection = SphericalHarmonics.basisGradient(degree: degree, direction: direction, weights: basisWeights)
        gPosition += (gDirection - direction * (direction * gDirection).sum()) / distance

        let opacity = 1 / (1 + Foundation.exp(-scene.opacityLogits[i]))
        for k in 0..<3 {
            out.positions[3 * i + k] = gPosition[k]
            out.logScales[3 * i + k] = gLogScale[k]
        }
        for k in 0..<4 { out.rotations[4 * i + k] = gQuaternion[k] }
        out.opacityLogits[i] = splat.opacity * opacity * (1 - opacity)
        out.screenMeans[2 * i] = splat.mean.x
        out.screenMeans[2 * i + 1] = splat.mean.y
        let mid = 0.5 * (a + c)
        let lambda = mid + max(0.1, mid * mid - det).squareRoot()
        out.screenRadii[i] = (3 * lambda.squareRoot()).rounded(.up)
    }

    /// ∂/∂(raw quaternion) from ∂/∂(rotation matrix rows) at the normalised `q` (w, x, y, z):
    /// the derivative of ``Camera/rotationMatrix(_:)`` followed by that of q/|q|.
    static func quaternionGradient(
        _ q: SIMD4<Float>, norm: Float, matrixGradient m: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    ) -> SIMD4<Float> {
        let (w, x, y, z) = (q.x, q.y, q.z, q.w)
        let gw = 2 * (-z * m.0.y + y * m.0.z + z * m.1.x - x * m.1.z - y * m.2.x + x * m.2.y)
        let gx = 2 * (y * m.0.y + z * m.0.z + y * m.1.x - 2 * x * m.1.y - w * m.1.z + z * m.2.x + w * m.2.y - 2 * x * m.2.z)
        let gy = 2 * (-2 * y * m.0.x + x * m.0.y + w * m.0.z + x * m.1.x + z * m.1.z - w * m.2.x + z * m.2.y - 2 * y * m.2.z)
        let gz = 2 * (-2 * z * m.0.x - w * m.0.y + x * m.0.z + w * m.1.x - 2 * z * m.1.y + y * m.1.z + x * m.2.x + y * m.2.y)
        let gUnit = SIMD4(gw, gx, gy, gz)
        return (gUnit - q * (q * gUnit).sum()) / norm
    }
}
