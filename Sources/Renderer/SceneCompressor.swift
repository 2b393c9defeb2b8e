import Foundation

/// ECO-GS's device-side "small model" (papers/eco-gs-irac.txt Table I): SH degree 0, so 14
/// floats per Gaussian (position 3, log-scale 3, rotation 4, opacity 1, DC colour 3), pruned to
/// a budget by an importance score, optionally stored as fp16.
public enum SceneCompressor {
    /// Floats per Gaussian of a degree-0 scene.
    public static let floatsPerGaussian = 14

    /// How much to keep.
    public enum Target: Sendable, Equatable {
        /// Keep this many Gaussians.
        case count(Int)
        /// Keep as many as fit in this many bytes of parameter storage.
        case bytes(Int)
        /// Keep this fraction (0, 1] of the Gaussians.
        case fraction(Double)
    }

    /// Parameter bytes per Gaussian of a scene of SH degree `degree` stored at 4 or 2 bytes per value.
    public static func bytesPerGaussian(shDegree degree: Int, halfPrecision: Bool) -> Int {
        (11 + 3 * (degree + 1) * (degree + 1)) * (halfPrecision ? 2 : 4)
    }

    /// The importance of each Gaussian: `sigmoid(opacity) · s₁ · s₂`, where s₁ ≥ s₂ are its two
    /// largest axis scales — its opacity times the area of its footprint when seen face-on.
    /// Gaussians that are nearly transparent or tiny contribute least to any render.
    public static func importance(of scene: GaussianScene) -> [Float] {
        (0..<scene.count).map { i in
            let s = [scene.logScales[3 * i], scene.logScales[3 * i + 1], scene.logScales[3 * i + 2]].sorted()
            let opacity = 1 / (1 + Foundation.exp(-scene.opacityLogits[i]))
            return opacity * Foundation.exp(s[1] + s[2])
        }
    }

    /// The small model of `scene`: degree 0, the most important Gaussians up to `target` (ties
    /// broken by index; kept Gaussians stay in their original order), values rounded to fp16
    /// when `halfPrecision` is set.
    ///
    /// With `compensatesArea`, each kept Gaussian's two largest axes grow by √(N/kept) so the
    /// kept footprints cover the area the pruned ones did — right for evenly tiled surfaces
    /// (the procedural world), wrong for scenes with much redundancy; off by default.
    public static func compress(
        _ scene: GaussianScene, target: Target, halfPrecision: Bool = false, compensatesArea: Bool = false
    ) throws -> SmallModel {
        let perGaussian = bytesPerGaussian(shDegree: 0, halfPrecision: halfPrecision)
        let keep: Int
        switch target {
        case .count(let n):
            guard n >= 1 else { throw RendererError(.invalidArgument, "target count must be at least 1, got \(n)") }
            keep = min(n, scene.count)
        case .bytes(let b):
            guard b >= perGaussian else {
                throw RendererError(.invalidArgument, "target of \(b) bytes holds no Gaussian (\(perGaussian) bytes each)")
            }
            keep = min(b / perGaussian, scene.count)
        case .fraction(let f):
            guard f > 0, f <= 1 else { throw RendererError(.invalidArgument, "target fraction must be in (0, 1], got \(f)") }
            keep = max(1, min(scene.count, Int((Double(scene.count) * f).rounded())))
        }
        let score = importance(of: scene)
        let ranked = score.indices.sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
        var small = try scene.withSHDegree(0).subset(Array(ranked.prefix(keep)).sorted())
        if compensatesArea, keep < scene.count {
            small.growLargestAxes(byLogFactor: 0.5 * Foundation.log(Float(scene.count) / Float(keep)))
        }
        if halfPrecision { small = small.mapValues { Float(Float16($0)) } }
        return SmallModel(scene: small, halfPrecision: halfPrecision)
    }
}

extension GaussianScene {
    /// Adds `delta` to the two largest log-scales of every Gaussian.
    mutating func growLargestAxes(byLogFactor delta: Float) {
        for i in 0..<count {
            let axes = (0..<3).sorted { logScales[3 * i + $0] > logScales[3 * i + $1] }
            logScales[3 * i + axes[0]] += delta
            logScales[3 * i + axes[1]] += delta
        }
    }
}

/// A compressed scene and its storage size.
public struct SmallModel: Sendable, Equatable {
    /// The degree-0, pruned (and possibly fp16-rounded) scene; it renders like any scene.
    public let scene: GaussianScene
    /// Whether values are stored as fp16.
    public let halfPrecision: Bool
    /// A small model of `scene` (degree 0) stored at 2 bytes per value when `halfPrecision`
    /// (its values already rounded to fp16), else 4.
    public init(scene: GaussianScene, halfPrecision: Bool) {
        self.scene = scene
        self.halfPrecision = halfPrecision
    }

    /// Parameter bytes: count × 14 × (2 or 4).
    public var bytes: Int { scene.count * SceneCompressor.bytesPerGaussian(shDegree: 0, halfPrecision: halfPrecision) }
}

/// Quality of a small model against its large model over a set of views.
public struct CompressionReport: Sendable, Equatable {
    /// Parameter bytes of the large model (fp32).
    public var largeBytes: Int
    /// Parameter bytes of the small model.
    public var smallBytes: Int
    /// Mean PSNR (dB) of the small render against the large render.
    public var meanPSNR: Double
    /// Mean GS loss ℓ of the small render against the large render.
    public var meanLoss: Double
    /// Per-view losses.
    public var losses: [Double]

    /// Renders both models from every camera and compares them (the large render is the reference).
    public static func evaluate(
        large: GaussianScene, small: SmallModel, cameras: [Camera], threads: Int = RenderOptions().threads
    ) throws -> CompressionReport {
        guard !cameras.isEmpty else { throw RendererError(.invalidArgument, "no cameras to evaluate") }
        let rasterizer = GaussianRasterizer()
        let options = RenderOptions(threads: threads)
        var psnrSum = 0.0
        var losses: [Double] = []
        for camera in cameras {
            let reference = rasterizer.render(large, camera: camera, options: options)
            let candidate = rasterizer.render(small.scene, camera: camera, options: options)
            // Identical views (infinite PSNR) are capped at 100 dB so the mean stays finite.
            psnrSum += min(100, Double(try ImageMetrics.psnr(reference, candidate)))
            losses.append(Double(try ImageMetrics.gsLoss(reference, candidate)))
        }
        return CompressionReport(
            largeBytes: large.count * SceneCompressor.bytesPerGaussian(shDegree: large.shDegree, halfPrecision: false),
            smallBytes: small.bytes, meanPSNR: psnrSum / Double(cameras.count),
            meanLoss: losses.reduce(0, +) / Double(losses.count), losses: losses)
    }

    /// `count` cameras on a ring around the scene's median point, at its median distance from
    /// that point, looking at it with the given world `up` axis — a generic view set for any PLY.
    public static func orbitCameras(for scene: GaussianScene, count: Int, up: SIMD3<Float>, intrinsics: Camera.Intrinsics) throws -> [Camera] {
        guard scene.count > 0, count >= 1 else { throw RendererError(.invalidArgument, "need a non-empty scene and at least one camera") }
        func median(_ values: [Float]) -> Float { values.sorted()[values.count / 2] }
        let points = (0..<scene.count).map { SIMD3(scene.positions[3 * $0], scene.positions[3 * $0 + 1], scene.positions[3 * $0 + 2]) }
        let centre = SIMD3(median(points.map(\.x)), median(points.map(\.y)), median(points.map(\.z)))
        let radius = max(0.5, median(points.map { length($0 - centre) }))
        let axis = normalize(up)
        let helper: SIMD3<Float> = abs(axis.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
        let e1 = normalize(cross(axis, helper)), e2 = cross(axis, e1)
        return try (0..<count).map { k in
            let angle = 2 * Float.pi * Float(k) / Float(count)
            let eye = centre + radius * (cos(angle) * e1 + sin(angle) * e2) + 0.3 * radius * axis
            return try Camera.lookAt(eye: eye, target: centre, up: axis, intrinsics: intrinsics)
        }
    }
}
