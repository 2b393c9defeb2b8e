import ArgumentParser
import Foundation
import Renderer

/// `gs-lab compress`: makes ECO-GS's small model of a scene and reports its size and quality.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a 3DGS PLY to a small model (SH 0, importance pruning, optional fp16) and report PSNR/loss.")

    @Option(name: .customLong("in"), help: "Large model (3DGS PLY).") var input: String
    @Option(help: "Small model output (3DGS PLY, degree 0; fp16 values are stored rounded in float fields).") var out: String
    @Option(help: "Budget: a Gaussian count (50000), a size (12MB, 800KB, 1000000B) or a fraction (25%).") var target: String
    @Flag(help: "Store values as fp16 (28 instead of 56 bytes per Gaussian).") var fp16 = false
    @Flag(help: "Grow kept Gaussians to cover the pruned area (for evenly tiled scenes such as gs-lab world).") var compensateArea = false
    @Option(help: "Views for the quality report (orbit around the scene).") var views: Int = 8
    @Option(help: "World up axis for the orbit: x, y, z, -x, -y or -z (COLMAP scenes are usually -y).") var up: String = "z"
    @Option(help: "Report render width×height.") var size: String = "320x240"

    func run() throws {
        let budget = try Self.parseTarget(target)
        let axis = try Self.parseAxis(up)
        let dims = size.split(separator: "x").compactMap { Int($0) }
        guard dims.count == 2, dims.allSatisfy({ $0 > 0 }) else { throw ValidationError("--size must look like 320x240") }
        guard views >= 1 else { throw ValidationError("--views must be at least 1") }
        let large = try GaussianScene(contentsOfPLY: input)
        let small = try SceneCompressor.compress(large, target: budget, halfPrecision: fp16, compensatesArea: compensateArea)
        try small.scene.writePLY(to: out)
        let cameras = try CompressionReport.orbitCameras(
            for: large, count: views, up: axis, intrinsics: .init(width: dims[0], height: dims[1], verticalFieldOfViewDegrees: 60))
        let report = try CompressionReport.evaluate(large: large, small: small, cameras: cameras)
        print("large: \(large.count) Gaussians, SH \(large.shDegree), \(report.largeBytes) bytes")
        print(
            "small: \(small.scene.count) Gaussians, SH 0, \(fp16 ? "fp16" : "fp32"), \(report.smallBytes) bytes (\(String(format: "%.1f", Double(report.largeBytes) / Double(report.smallBytes)))× smaller) → \(out)"
        )
        print(String(format: "small vs large over %d views: PSNR %.2f dB, GS loss %.4f", views, report.meanPSNR, report.meanLoss))
    }

    static func parseTarget(_ text: String) throws -> SceneCompressor.Target {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("%"), let p = Double(t.dropLast()) { return .fraction(p / 100) }
        for (suffix, scale) in [("MB", 1_000_000.0), ("KB", 1000.0), ("B", 1.0)] where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v.isFinite, v > 0 { return .bytes(Int(v * scale)) }
        }
        if let n = Int(t) { return .count(n) }
        throw ValidationError("--target '\(text)' is not a count, a size (e.g. 12MB) or a percentage")
    }

    static func parseAxis(_ text: String) throws -> SIMD3<Float> {
        let axes: [String: SIMD3<Float>] = [
            "x": SIMD3(1, 0, 0), "y": SIMD3(0, 1, 0), "z": SIMD3(0, 0, 1),
            "-x": SIMD3(-1, 0, 0), "-y": SIMD3(0, -1, 0), "-z": SIMD3(0, 0, -1),
        ]
        guard let axis = axes[text.lowercased()] else { throw ValidationError("--up must be one of x, y, z, -x, -y, -z") }
        return axis
    }
}
