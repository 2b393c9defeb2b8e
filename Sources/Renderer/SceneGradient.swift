/// The gradient of a scalar loss with respect to every stored parameter of a scene, in the
/// scene's own layout (see ``GaussianScene``): ∂/∂position, ∂/∂log-scale, ∂/∂raw (unnormalised)
/// quaternion, ∂/∂opacity logit and ∂/∂SH coefficient. Also what densification reads from a view:
/// the gradient with respect to each projected mean and each splat's pixel radius.
public struct SceneGradient: Sendable, Equatable {
    /// ∂loss/∂position, xyz per Gaussian.
    public var positions: [Float]
    /// ∂loss/∂log-scale, three per Gaussian.
    public var logScales: [Float]
    /// ∂loss/∂raw quaternion (wxyz), four per Gaussian.
    public var rotations: [Float]
    /// ∂loss/∂opacity logit.
    public var opacityLogits: [Float]
    /// ∂loss/∂SH coefficient, same layout as ``GaussianScene/sh``.
    public var sh: [Float]
    /// ∂loss/∂(projected mean) in pixels, (x, y) per Gaussian; zero where the Gaussian was culled.
    public var screenMeans: [Float]
    /// The 3σ pixel radius of each splat in the view (the reference's `radii`); 0 where culled.
    public var screenRadii: [Float]

    /// A zero gradient shaped like `scene`.
    public init(zeroFor scene: GaussianScene) {
        let n = scene.count
        positions = [Float](repeating: 0, count: 3 * n)
        logScales = [Float](repeating: 0, count: 3 * n)
        rotations = [Float](repeating: 0, count: 4 * n)
        opacityLogits = [Float](repeating: 0, count: n)
        sh = [Float](repeating: 0, count: scene.sh.count)
        screenMeans = [Float](repeating: 0, count: 2 * n)
        screenRadii = [Float](repeating: 0, count: n)
    }

    /// Sets every entry to zero, resizing to `scene` (reuses storage when the shape matches).
    public mutating func reset(for scene: GaussianScene) {
        guard positions.count == 3 * scene.count, sh.count == scene.sh.count else {
            self = SceneGradient(zeroFor: scene)
            return
        }
        for i in positions.indices { positions[i] = 0 }
        for i in logScales.indices { logScales[i] = 0 }
        for i in rotations.indices { rotations[i] = 0 }
        for i in opacityLogits.indices { opacityLogits[i] = 0 }
        for i in sh.indices { sh[i] = 0 }
        for i in screenMeans.indices { screenMeans[i] = 0 }
        for i in screenRadii.indices { screenRadii[i] = 0 }
    }
}

/// The gradient of the loss with respect to one projected splat (what the tile pass produces
/// per Gaussian–tile pair and the projection's reverse pass consumes).
struct SplatGradient {
    /// ∂/∂(mean x, mean y) in pixels.
    var mean: SIMD2<Float> = .zero
    /// ∂/∂(conic A, B, C), B being the off-diagonal entry.
    var conic: SIMD3<Float> = .zero
    /// ∂/∂opacity (after the sigmoid).
    var opacity: Float = 0
    /// ∂/∂colour (after the SH clamp).
    var color: SIMD3<Float> = .zero

    static func += (a: inout SplatGradient, b: SplatGradient) {
        a.mean += b.mean
        a.conic += b.conic
        a.opacity += b.opacity
        a.color += b.color
    }
}

/// Raw pointers into a ``SceneGradient``'s arrays, for workers writing disjoint Gaussians.
struct SceneGradientPointers: @unchecked Sendable {
    let positions: UnsafeMutablePointer<Float>
    let logScales: UnsafeMutablePointer<Float>
    let rotations: UnsafeMutablePointer<Float>
    let opacityLogits: UnsafeMutablePointer<Float>
    let sh: UnsafeMutablePointer<Float>
    let screenMeans: UnsafeMutablePointer<Float>
    let screenRadii: UnsafeMutablePointer<Float>
}

extension SceneGradient {
    /// Runs `body` with raw pointers into the arrays (the gradient must hold ≥ 1 Gaussian).
    mutating func withUnsafePointers<Result>(_ body: (SceneGradientPointers) -> Result) -> Result {
        positions.withUnsafeMutableBufferPointer { p in
            logScales.withUnsafeMutableBufferPointer { s in
                rotations.withUnsafeMutableBufferPointer { r in
                    opacityLogits.withUnsafeMutableBufferPointer { o in
                        sh.withUnsafeMutableBufferPointer { c in
                            screenMeans.withUnsafeMutableBufferPointer { m in
                                screenRadii.withUnsafeMutableBufferPointer { radii in
                                    body(
                                        SceneGradientPointers(
                                            positions: p.baseAddress!, logScales: s.baseAddress!, rotations: r.baseAddress!,
                                            opacityLogits: o.baseAddress!, sh: c.baseAddress!, screenMeans: m.baseAddress!,
                                            screenRadii: radii.baseAddress!))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
