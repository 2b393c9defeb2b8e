import Foundation
import Renderer

/// Renders views of a ``ProceduralWorld`` at a small "probe" resolution and compares them.
///
/// The optimisers only need scalar image comparisons (GS losses, PSNRs), and those are stable at
/// low resolution, so every world-backed source renders at the probe size (default 160×120,
/// 60° vertical field of view) to keep instance generation fast.
public struct WorldProbe: Sendable {
    /// The world the views come from.
    public let world: ProceduralWorld
    /// Camera intrinsics of every probe view.
    public let intrinsics: Camera.Intrinsics

    /// A probe of `world` at `width`×`height` pixels (both at least 8).
    public init(world: ProceduralWorld, width: Int = 160, height: Int = 120, verticalFieldOfViewDegrees: Float = 60) throws {
        guard width >= 8, height >= 8 else {
            throw ScenarioError(.invalidSetting, "probe size \(width)×\(height) is below the 8×8 minimum")
        }
        self.world = world
        self.intrinsics = Camera.Intrinsics(width: width, height: height, verticalFieldOfViewDegrees: verticalFieldOfViewDegrees)
    }

    /// A camera at `eye` looking at `target` (z up) with the probe's intrinsics.
    public func camera(eye: SIMD3<Float>, target: SIMD3<Float>) throws -> Camera {
        try Camera.lookAt(eye: eye, target: target, up: SIMD3(0, 0, 1), intrinsics: intrinsics)
    }
}

/// How a candidate image compares with a reference image (SPEC §0 metrics).
public struct ImageComparison: Sendable, Equatable {
    /// The GS loss ℓ = (1 − λ)·L1 + λ·(1 − SSIM), λ = 0.2.
    public var loss: Double
    /// Mean squared error per value.
    public var meanSquaredError: Double

    /// Compares `candidate` against `reference`; throws if their sizes differ.
    public init(reference: RGBImage, candidate: RGBImage) throws {
        loss = Double(try ImageMetrics.gsLoss(reference, candidate))
        meanSquaredError = Double(try ImageMetrics.mse(reference, candidate))
    }

    /// PSNR in dB for images in [0, 1] (+∞ for identical images).
    public var psnr: Double { Self.psnr(meanSquaredError: meanSquaredError) }

    /// PSNR in dB of a mean squared error (+∞ at 0).
    public static func psnr(meanSquaredError: Double) -> Double {
        meanSquaredError > 0 ? -10 * log10(meanSquaredError) : .infinity
    }
}
