extension GaussianScene {
    /// The five parameter arrays in the scene's layout, for in-place updates by optimisers.
    public struct MutableParameters {
        /// Centres, xyz per Gaussian.
        public var positions: UnsafeMutableBufferPointer<Float>
        /// Log-scales, three per Gaussian.
        public var logScales: UnsafeMutableBufferPointer<Float>
        /// Raw quaternions, wxyz per Gaussian.
        public var rotations: UnsafeMutableBufferPointer<Float>
        /// Opacity logits.
        public var opacityLogits: UnsafeMutableBufferPointer<Float>
        /// SH coefficients.
        public var sh: UnsafeMutableBufferPointer<Float>
    }

    /// Runs `body` with mutable views of the parameter arrays (sizes cannot change through them).
    /// The caller keeps every value finite: the renderer culls, but a NaN parameter spreads.
    public mutating func withMutableParameters<Result>(_ body: (MutableParameters) throws -> Result) rethrows -> Result {
        try positions.withUnsafeMutableBufferPointer { p in
            try logScales.withUnsafeMutableBufferPointer { s in
                try rotations.withUnsafeMutableBufferPointer { r in
                    try opacityLogits.withUnsafeMutableBufferPointer { o in
                        try sh.withUnsafeMutableBufferPointer { c in
                            try body(MutableParameters(positions: p, logScales: s, rotations: r, opacityLogits: o, sh: c))
                        }
                    }
                }
            }
        }
    }

    /// A scene of `count` Gaussians whose every parameter is zero (e.g. optimiser moments kept
    /// in the scene's own layout, so that subsets and appends keep them aligned).
    public static func zeros(count: Int, shDegree: Int) throws -> GaussianScene {
        let k = (shDegree + 1) * (shDegree + 1)
        return try GaussianScene(
            shDegree: shDegree, positions: [Float](repeating: 0, count: 3 * count), logScales: [Float](repeating: 0, count: 3 * count),
            rotations: [Float](repeating: 0, count: 4 * count), opacityLogits: [Float](repeating: 0, count: count),
            sh: [Float](repeating: 0, count: 3 * k * count))
    }
}
