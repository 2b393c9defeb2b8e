import Protocol

/// The robots' loss estimator: how far the GS memory is from reality, per floor cell.
///
/// Each uploaded real image (or oracle report) is a measurement of the loss L of the GS render
/// at that pose. It is attributed to the floor cell the camera looks at (2 m ahead of the
/// camera along its view direction, projected on the floor), and the cell keeps an
/// exponentially weighted mean (weight `smoothing` on the newest value). A planned pose's L_t is
/// its cell's mean, or `prior` for a cell nothing has been seen in. Because the memory's error
/// is spatial (changed places stay changed), this predicts the loss of future frames from
/// images other robots uploaded earlier.
struct MemoryBiasMap: Sendable {
    let cellMetres: Double
    let prior: Double
    let smoothing: Double
    private var cells: [SIMD2<Int>: Double] = [:]

    /// How far ahead of the camera the attributed cell lies (metres).
    static let lookDistance = 2.0

    init(cellMetres: Double, prior: Double, smoothing: Double = 0.5) {
        self.cellMetres = cellMetres
        self.prior = prior
        self.smoothing = smoothing
    }

    /// The cell `pose` looks at.
    func cell(of pose: Pose) -> SIMD2<Int> {
        let q = pose.unitOrientation
        let (x, y, z, w) = (q.x, q.y, q.z, q.w)
        // The camera's +z axis (its view direction) in the world: third column of R(q).
        let forward = SIMD2(2 * (x * z + w * y), 2 * (y * z - w * x))
        let target = SIMD2(pose.position.x, pose.position.y) + Self.lookDistance * forward
        return SIMD2(
            Int(saturating: (target.x / cellMetres).rounded(.down)), Int(saturating: (target.y / cellMetres).rounded(.down)))
    }

    /// The predicted loss at `pose`.
    func loss(at pose: Pose) -> Double { cells[cell(of: pose)] ?? prior }

    /// Folds in a measured loss at `pose` (non-finite or negative values are ignored).
    mutating func observe(loss: Double, at pose: Pose) {
        guard loss.isFinite, loss >= 0 else { return }
        let key = cell(of: pose)
        cells[key] = cells[key].map { (1 - smoothing) * $0 + smoothing * loss } ?? loss
    }

    /// Cells with at least one measurement.
    var observedCells: Int { cells.count }
}
