import Foundation

/// A coarse spatial grouping of a scene's Gaussians — a uniform grid over the means' bounding
/// box, with one bounding sphere and largest axis scale per cell — built once per scene, so
/// that a frame can reject whole cells that lie behind the camera or off-screen.
///
/// Cells only filter: a Gaussian in a kept cell goes through the exact projection, and the
/// scene keeps its order, so images are the same as without cells (a cell is rejected only
/// when every member would be culled anyway; see ``visibleCells(frame:into:)``).
struct SceneCells {
    /// Cells per axis; 8³ cells keep the per-frame test at a few microseconds.
    static let cellsPerAxis = 8
    /// Below this many Gaussians the grid does not pay for itself.
    static let minimumGaussians = 4096

    /// The scene the cells were built from.
    let identity: SceneIdentity
    /// Cell of every Gaussian.
    let cellOfGaussian: [UInt16]
    private var centres: [SIMD3<Float>] = []
    /// Largest distance of a member mean from its cell's centre (with margin).
    private var radii: [Float] = []
    /// Largest axis scale, exp(log-scale), of a cell's members.
    private var largestScales: [Float] = []

    var count: Int { centres.count }

    init(scene: GaussianScene) {
        identity = SceneIdentity(scene)
        let (positions, logScales) = (scene.positions, scene.logScales)
        let n = scene.count
        var low = SIMD3<Float>(repeating: .greatestFiniteMagnitude), high = -low
        for i in 0..<n {
            let p = Self.position(i, positions)
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        let side = Float(Self.cellsPerAxis)
        let extent = high - low
        let cellSize = (extent / side).replacing(with: 1, where: extent .<= 0)
        var cells = [UInt16](repeating: 0, count: n)
        for i in 0..<n {
            let local = (Self.position(i, positions) - low) / cellSize
            let c = SIMD3<Int>(pointwiseMin(pointwiseMax(local, .zero), SIMD3(repeating: side - 1)).rounded(.down))
            cells[i] = UInt16(c.x + Self.cellsPerAxis * (c.y + Self.cellsPerAxis * c.z))
        }
        cellOfGaussian = cells
        let cellCount = Self.cellsPerAxis * Self.cellsPerAxis * Self.cellsPerAxis
        var cellLow = [SIMD3<Float>](repeating: SIMD3(repeating: .greatestFiniteMagnitude), count: cellCount)
        var cellHigh = [SIMD3<Float>](repeating: SIMD3(repeating: -.greatestFiniteMagnitude), count: cellCount)
        largestScales = [Float](repeating: 0, count: cellCount)
        for i in 0..<n {
            let (c, p) = (Int(cells[i]), Self.position(i, positions))
            cellLow[c] = pointwiseMin(cellLow[c], p)
            cellHigh[c] = pointwiseMax(cellHigh[c], p)
            let logScale = max(logScales[3 * i], logScales[3 * i + 1], logScales[3 * i + 2])
            largestScales[c] = max(largestScales[c], Foundation.exp(logScale))
        }
        centres = zip(cellLow, cellHigh).map { 0.5 * ($0 + $1) }
        radii = [Float](repeating: 0, count: cellCount)
        for i in 0..<n {
            let c = Int(cells[i])
            let d = Self.position(i, positions) - centres[c]
            radii[c] = max(radii[c], (d * d).sum().squareRoot())
        }
        radii = radii.map { $0 * 1.001 + 1e-4 }
    }

    /// Whether these cells were built from `scene`'s current means and scales.
    func matches(_ scene: GaussianScene) -> Bool { identity.matches(scene) }

    /// Marks the cells of which some member may be visible in the frame.
    ///
    /// A member in front of the near plane has pixel radius R ≤ k₁·s/z + k₀ (the early cull's
    /// bound with ‖J‖_F ≤ G/z, which the Jacobian's clamp to 1.3× the field of view
    /// guarantees, and √(a+b) ≤ √a + √b), and its tile rectangle is empty when
    /// meanX + R < 1.5 or meanX − R ≥ 16·tilesX + 0.5 (likewise in y). Multiplied by z > 0 each
    /// condition is linear in the camera-space mean, so it holds for the whole cell when it
    /// holds at the centre with the sphere's radius and the cell's largest scale. A cell
    /// wholly behind the near plane is culled too. Without the clamp no bound exists and every
    /// cell is kept.
    func visibleCells(frame: FrameConstants, into visible: inout [Bool]) {
        visible = [Bool](repeating: true, count: count)
        guard frame.clampsJacobian else { return }
        let camera = frame.camera
        let (fx, fy) = (camera.fx, camera.fy)
        let (spreadX, spreadY) = (1.3 * frame.tanHalfFovX, 1.3 * frame.tanHalfFovY)
        let jacobianBound = (fx * fx * (1 + spreadX * spreadX) + fy * fy * (1 + spreadY * spreadY)).squareRoot()
        // Margins (1 % and a pixel) cover float rounding on both sides of the comparison.
        let k1 = 3.03 * Float(1.01).squareRoot() * jacobianBound * 1.01
        let k0 = 3.03 * (1.01 * frame.dilation + 0.3163).squareRoot() + 2
        let right = Float(RenderOptions.tileSize * frame.tilesX) + 0.5
        let bottom = Float(RenderOptions.tileSize * frame.tilesY) + 0.5
        // Each side as (normal n, sign): the cell is off-screen when sign·(n·t + k₁·s) < 0 for all members.
        let sides: [(SIMD3<Float>, Float)] = [
            (SIMD3(fx, 0, camera.cx + k0 - 1.5), 1), (SIMD3(fx, 0, camera.cx - k0 - right), -1),
            (SIMD3(0, fy, camera.cy + k0 - 1.5), 1), (SIMD3(0, fy, camera.cy - k0 - bottom), -1),
        ]
        for c in 0..<count {
            let t = camera.toCamera(centres[c])
            if t.z + radii[c] <= frame.nearPlane {
                visible[c] = false
                continue
            }
            for (normal, sign) in sides {
                let reach = radii[c] * (normal * normal).sum().squareRoot() + k1 * largestScales[c]
                if sign * (normal * t).sum() + reach < 0 {
                    visible[c] = false
                    break
                }
            }
        }
    }

    @inline(__always)
    private static func position(_ i: Int, _ positions: [Float]) -> SIMD3<Float> {
        SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
    }
}

/// Recognises a scene's means and scales in O(1): it holds the scene's `positions` and
/// `logScales` arrays and compares storage addresses. While held, that storage cannot be
/// freed or changed (an in-place edit of a shared array copies it first), so the same address
/// means the same values; an equal copy in other storage only counts as a different scene.
struct SceneIdentity {
    private let positions: [Float]
    private let logScales: [Float]

    init(_ scene: GaussianScene) {
        positions = scene.positions
        logScales = scene.logScales
    }

    func matches(_ scene: GaussianScene) -> Bool {
        Self.sameStorage(positions, scene.positions) && Self.sameStorage(logScales, scene.logScales)
    }

    private static func sameStorage(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
