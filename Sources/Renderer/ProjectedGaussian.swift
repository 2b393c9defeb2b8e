import Foundation

/// A Gaussian after per-frame preprocessing: screen-space mean, conic, colour, opacity, depth
/// and the rectangle of tiles it may touch (empty when culled).
struct ProjectedGaussian {
    var meanX: Float = 0
    var meanY: Float = 0
    /// Inverse of the 2D covariance: (A, B, C) of A·dx² + 2B·dx·dy + C·dy².
    var conicA: Float = 0
    var conicB: Float = 0
    var conicC: Float = 0
    var opacity: Float = 0
    var color: SIMD3<Float> = .zero
    var depth: Float = 0
    /// alpha ≥ 1/255 needs A·dx² + 2B·dx·dy + C·dy² ≤ reach = 2·ln(255·o) (stored with margin).
    var reach: Float = 0
    /// Half-height, in pixels, of the band of rows where that can hold (with margin).
    var rowExtent: Float = 0
    /// Half-width, in pixels, of the band of columns where that can hold (with margin).
    var columnExtent: Float = 0
    /// Tile rectangle [minX, maxX) × [minY, maxY).
    var tileMinX: Int32 = 0
    var tileMinY: Int32 = 0
    var tileMaxX: Int32 = 0
    var tileMaxY: Int32 = 0

    var isVisible: Bool { tileMaxX > tileMinX && tileMaxY > tileMinY }

    /// Projects Gaussian `i` of `scene` as the reference's `preprocessCUDA` does; returns a
    /// culled value when it is behind the near plane, degenerate or off-screen.
    init(projecting i: Int, of scene: UnsafeSceneView, frame: FrameConstants) {
        let camera = frame.camera
        let p = SIMD3(scene.positions[3 * i], scene.positions[3 * i + 1], scene.positions[3 * i + 2])
        let t = camera.toCamera(p)
        guard t.z > frame.nearPlane, meanIsFinite(t) else { return }
        let meanX = camera.fx * t.x / t.z + camera.cx
        let meanY = camera.fy * t.y / t.z + camera.cy

        // Perspective Jacobian at the (clamped) mean.
        let limitX = 1.3 * frame.tanHalfFovX, limitY = 1.3 * frame.tanHalfFovY
        let tx = frame.clampsJacobian ? min(limitX, max(-limitX, t.x / t.z)) * t.z : t.x
        let ty = frame.clampsJacobian ? min(limitY, max(-limitY, t.y / t.z)) * t.z : t.y
        let j00 = camera.fx / t.z, j02 = -(camera.fx * tx) / (t.z * t.z)
        let j11 = camera.fy / t.z, j12 = -(camera.fy * ty) / (t.z * t.z)

        // Most Gaussians in front of the camera are still off-screen. Cull those first with an
        // upper bound on the radius below (one exp instead of the covariance work): the 2D
        // covariance's largest eigenvalue is at most ‖J‖²·s_max² + dilation (W and R are
        // rotations, ‖J‖₂ ≤ ‖J‖_F), the reference's 0.1 floor adds at most √0.1, and the tile
        // rectangle only grows with the radius — so this rejects nothing the exact test keeps.
        let logScales = SIMD3(scene.logScales[3 * i], scene.logScales[3 * i + 1], scene.logScales[3 * i + 2])
        let largestScale = Foundation.exp(logScales.max())
        let jacobianNorm = j00 * j00 + j02 * j02 + j11 * j11 + j12 * j12
        let lambdaBound = (jacobianNorm * largestScale * largestScale + frame.dilation) * 1.01 + 0.3163
        let radiusBound = 3 * lambdaBound.squareRoot() * 1.01 + 1
        guard !frame.cullsByRadiusBound || frame.tileRectangle(meanX: meanX, meanY: meanY, radius: radiusBound) != nil else { return }

        // Rotation of the Gaussian (normalised wxyz quaternion) and its scales.
        var q = SIMD4(scene.rotations[4 * i], scene.rotations[4 * i + 1], scene.rotations[4 * i + 2], scene.rotations[4 * i + 3])
        let qNorm = (q * q).sum().squareRoot()
        guard qNorm > 0 else { return }
        q /= qNorm
        let s = SIMD3(Foundation.exp(logScales.x), Foundation.exp(logScales.y), Foundation.exp(logScales.z))
        let rotation = Camera.rotationMatrix(q)

        // Composed with the view rotation: M = J·W.
        let w = camera.rotation
        let m0 = j00 * w.0 + j02 * w.2
        let m1 = j11 * w.1 + j12 * w.2
        // cov2D = M·R·S·Sᵀ·Rᵀ·Mᵀ = U·Uᵀ with U = M·R·S.
        let columns = (
            SIMD3(rotation.0.x, rotation.1.x, rotation.2.x),
            SIMD3(rotation.0.y, rotation.1.y, rotation.2.y),
            SIMD3(rotation.0.z, rotation.1.z, rotation.2.z)
        )
        let u0 = SIMD3((m0 * columns.0).sum(), (m0 * columns.1).sum(), (m0 * columns.2).sum()) * s
        let u1 = SIMD3((m1 * columns.0).sum(), (m1 * columns.1).sum(), (m1 * columns.2).sum()) * s
        let a = (u0 * u0).sum() + frame.dilation
        let b = (u0 * u1).sum()
        let c = (u1 * u1).sum() + frame.dilation
        let det = a * c - b * b
        // Overflowing scales (exp of a huge log-scale) give non-finite moments: cull them.
        guard det > 0, det.isFinite, a.isFinite, c.isFinite else { return }
        let conic = SIMD3(c / det, -b / det, a / det)

        // 3σ radius of the larger eigenvalue, and the reference's tile rectangle.
        let mid = 0.5 * (a + c)
        let lambda = mid + max(0.1, mid * mid - det).squareRoot()
        let radius = (3 * lambda.squareRoot()).rounded(.up)
        guard case let (minX, minY, maxX, maxY)? = frame.tileRectangle(meanX: meanX, meanY: meanY, radius: radius) else { return }
        let tile = Float(RenderOptions.tileSize)

        let opacity = 1 / (1 + Foundation.exp(-scene.opacityLogits[i]))
        guard opacity >= RenderOptions.minimumAlpha else { return }
        // alpha ≥ 1/255 needs A·dx² + 2B·dx·dy + C·dy² ≤ 2·ln(255·o); its minimum over dx is
        // dy²/cov_yy (over dy: dx²/cov_xx), so only |dy| ≤ √(2·ln(255·o)·cov_yy) and
        // |dx| ≤ √(2·ln(255·o)·cov_xx) can be touched (kept with a small margin).
        let reach = Self.reach(opacity: opacity)
        let rowExtent = Self.extent(reach: reach, variance: c)
        let columnExtent = Self.extent(reach: reach, variance: a)
        // Tiles outside that box hold no pixel the Gaussian can change, so intersecting the
        // reference's rectangle with it changes no pixel but saves tile pairs (elongated
        // splats have a much smaller box than the reference's 3σ square).
        @inline(__always) func tileOf(_ pixel: Float, limit: Int) -> Int32 {
            Int32(min(Float(limit), max(0, (pixel / tile).rounded(.down))))
        }
        let tightMinX = max(minX, tileOf(meanX - columnExtent - 0.5, limit: frame.tilesX))
        let tightMaxX = min(maxX, tileOf(meanX + columnExtent - 0.5, limit: frame.tilesX - 1) + 1)
        let tightMinY = max(minY, tileOf(meanY - rowExtent - 0.5, limit: frame.tilesY))
        let tightMaxY = min(maxY, tileOf(meanY + rowExtent - 0.5, limit: frame.tilesY - 1) + 1)
        guard tightMaxX > tightMinX, tightMaxY > tightMinY else { return }

        let viewDirection = p - frame.cameraPosition
        let direction = viewDirection / max((viewDirection * viewDirection).sum().squareRoot(), 1e-12)
        let shStride = 3 * scene.coefficientsPerChannel
        self.color = SphericalHarmonics.color(degree: frame.shDegree, direction: direction, coefficients: scene.sh + shStride * i)
        self.meanX = meanX
        self.meanY = meanY
        self.conicA = conic.x
        self.conicB = conic.y
        self.conicC = conic.z
        self.opacity = opacity
        self.depth = t.z
        self.reach = reach
        self.rowExtent = rowExtent
        self.columnExtent = columnExtent
        self.tileMinX = tightMinX
        self.tileMinY = tightMinY
        self.tileMaxX = tightMaxX
        self.tileMaxY = tightMaxY
    }

    init() {}

    /// 2·ln(255·o), the largest A·dx² + 2B·dx·dy + C·dy² at which alpha can reach 1/255, widened
    /// by a small margin so that float rounding never drops a pixel that counts.
    static func reach(opacity: Float) -> Float {
        max(0, 2 * Foundation.log(opacity / RenderOptions.minimumAlpha)) * 1.001 + 1e-3
    }

    /// Half-width, in pixels, of the band where alpha can reach 1/255 along an axis whose 2D
    /// variance is `variance` (with margin).
    static func extent(reach: Float, variance: Float) -> Float {
        (reach * variance).squareRoot() * 1.001 + 0.01
    }
}

@inline(__always) private func meanIsFinite(_ t: SIMD3<Float>) -> Bool {
    t.x.isFinite && t.y.isFinite && t.z.isFinite
}

/// Per-frame constants shared by every Gaussian's projection.
struct FrameConstants: Sendable {
    let camera: Camera
    let cameraPosition: SIMD3<Float>
    let tanHalfFovX: Float
    let tanHalfFovY: Float
    let nearPlane: Float
    let dilation: Float
    let clampsJacobian: Bool
    let shDegree: Int
    let tilesX: Int
    let tilesY: Int
    /// Whether off-screen Gaussians are rejected early by a radius bound (off only in tests that
    /// check the bound rejects nothing the exact test keeps).
    var cullsByRadiusBound = true

    init(camera: Camera, options: RenderOptions, sceneDegree: Int) {
        self.camera = camera
        cameraPosition = camera.position
        tanHalfFovX = Float(camera.width) / (2 * camera.fx)
        tanHalfFovY = Float(camera.height) / (2 * camera.fy)
        nearPlane = options.nearPlane
        dilation = options.covarianceDilation
        clampsJacobian = options.clampsJacobianToFieldOfView
        shDegree = min(sceneDegree, options.maxSHDegree ?? sceneDegree)
        tilesX = (camera.width + RenderOptions.tileSize - 1) / RenderOptions.tileSize
        tilesY = (camera.height + RenderOptions.tileSize - 1) / RenderOptions.tileSize
    }

    /// The reference's tile rectangle [minX, maxX) × [minY, maxY) of a splat with this pixel
    /// radius (its pixel centres are integers, ours are at +0.5, hence the −0.5 shift); nil when
    /// empty. Each side moves outwards as the radius grows.
    @inline(__always)
    func tileRectangle(meanX: Float, meanY: Float, radius: Float) -> (Int32, Int32, Int32, Int32)? {
        let (refX, refY) = (meanX - 0.5, meanY - 0.5)
        let tile = Float(RenderOptions.tileSize)
        @inline(__always) func tileIndex(_ value: Float, limit: Int) -> Int32 {
            Int32(min(Float(limit), max(0, value)))
        }
        let minX = tileIndex((refX - radius) / tile, limit: tilesX)
        let minY = tileIndex((refY - radius) / tile, limit: tilesY)
        let maxX = tileIndex((refX + radius + tile - 1) / tile, limit: tilesX)
        let maxY = tileIndex((refY + radius + tile - 1) / tile, limit: tilesY)
        guard maxX > minX, maxY > minY else { return nil }
        return (minX, minY, maxX, maxY)
    }
}

/// Raw pointers into a scene's arrays, valid for the duration of one render.
struct UnsafeSceneView: @unchecked Sendable {
    let positions: UnsafePointer<Float>
    let logScales: UnsafePointer<Float>
    let rotations: UnsafePointer<Float>
    let opacityLogits: UnsafePointer<Float>
    let sh: UnsafePointer<Float>
    let coefficientsPerChannel: Int
}

extension GaussianScene {
    /// Runs `body` with raw pointers into the scene's arrays, valid only inside the call; nil for
    /// a scene without Gaussians.
    func withUnsafeView<Result>(_ body: (UnsafeSceneView?) throws -> Result) rethrows -> Result {
        try positions.withUnsafeBufferPointer { positions in
            try logScales.withUnsafeBufferPointer { logScales in
                try rotations.withUnsafeBufferPointer { rotations in
                    try opacityLogits.withUnsafeBufferPointer { opacities in
                        try sh.withUnsafeBufferPointer { sh in
                            guard count > 0 else { return try body(nil) }
                            return try body(
                                UnsafeSceneView(
                                    positions: positions.baseAddress!, logScales: logScales.baseAddress!,
                                    rotations: rotations.baseAddress!, opacityLogits: opacities.baseAddress!,
                                    sh: sh.baseAddress ?? UnsafePointer(bitPattern: 16)!, coefficientsPerChannel: coefficientsPerChannel))
                        }
                    }
                }
            }
        }
    }
}
