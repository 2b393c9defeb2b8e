import Foundation

/// Settings of one render; the defaults are the constants of the 3DGS reference rasteriser.
public struct RenderOptions: Sendable, Equatable {
    /// Colour behind all Gaussians.
    public var background: SIMD3<Float>
    /// Worker threads (tiles are independent, so the image does not depend on this).
    public var threads: Int
    /// Gaussians with camera-space depth `z ≤ nearPlane` are culled.
    public var nearPlane: Float
    /// Added to the diagonal of every 2D covariance (low-pass filter).
    public var covarianceDilation: Float
    /// The reference clamps the Jacobian's evaluation point to 1.3× the field of view.
    public var clampsJacobianToFieldOfView: Bool
    /// Render with at most this SH degree (nil: the scene's own).
    public var maxSHDegree: Int?

    /// Options with the reference constants; `threads` defaults to the active processor count.
    public init(
        background: SIMD3<Float> = .zero, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        nearPlane: Float = 0.2, covarianceDilation: Float = 0.3, clampsJacobianToFieldOfView: Bool = true,
        maxSHDegree: Int? = nil
    ) {
        self.background = background
        self.threads = max(1, threads)
        self.nearPlane = nearPlane
        self.covarianceDilation = covarianceDilation
        self.clampsJacobianToFieldOfView = clampsJacobianToFieldOfView
        self.maxSHDegree = maxSHDegree
    }

    /// Side of the square screen tiles, as in the reference (16×16).
    public static let tileSize = 16
    /// Contributions with alpha below this are skipped.
    public static let minimumAlpha: Float = 1.0 / 255.0
    /// Alpha is clamped to at most this.
    public static let maximumAlpha: Float = 0.99
    /// A pixel stops accumulating when its transmittance would fall below this.
    public static let transmittanceCutoff: Float = 1e-4
}
