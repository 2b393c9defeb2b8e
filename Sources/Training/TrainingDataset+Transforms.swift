import Foundation
import Renderer

/// nerfstudio and Blender (NeRF-synthetic) `transforms.json`: per-frame camera-to-world 4×4
/// matrices in the OpenGL convention (+y up, +z backwards), converted to the renderer's OpenCV
/// world-to-camera pose by flipping the camera's y and z axes. Intrinsics come from `fl_x`,
/// `fl_y`, `cx`, `cy`, `w`, `h` (top level or per frame; nerfstudio) or from `camera_angle_x`
/// and the image size (Blender, whose `file_path` may omit `.png`). Images with an alpha channel
/// are composited onto black by the PNG decoder. Distortion coefficients other than zero and
/// camera models other than PINHOLE / OPENCV are rejected.
extension TrainingDataset {
    static func loadTransforms(_ url: URL, resolution: (width: Int, height: Int)?) throws -> [TrainingView] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TrainingError(.missingFile, "\(url.path) does not exist")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let frames = root["frames"] as? [[String: Any]]
        else {
            throw TrainingError(.malformed, "\(url.lastPathComponent) is not a JSON object with a frames array")
        }
        let folder = url.deletingLastPathComponent()
        return try frames.enumerated().map { index, frame in
            func number(_ key: String) -> Double? { (frame[key] ?? root[key]) as? Double ?? ((frame[key] ?? root[key]) as? Int).map(Double.init) }
            if let model = (frame["camera_model"] ?? root["camera_model"]) as? String, !["PINHOLE", "OPENCV"].contains(model) {
                throw TrainingError(.unsupportedCameraModel, "\(url.lastPathComponent): camera model \(model) is not supported")
            }
            for key in ["k1", "k2", "k3", "k4", "p1", "p2"] where (number(key) ?? 0) != 0 {
                throw TrainingError(.unsupportedCameraModel, "\(url.lastPathComponent): frame \(index) has distortion \(key) ≠ 0; undistort first")
            }
            guard let file = frame["file_path"] as? String else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): frame \(index) has no file_path")
            }
            var path = folder.appendingPathComponent(file).path
            if !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: path + ".png") { path += ".png" }
            guard let matrix = frame["transform_matrix"] as? [[Any]], matrix.count >= 3, matrix.allSatisfy({ $0.count == 4 }) else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): frame \(index) has no 4×4 transform_matrix")
            }
            let m = try matrix.prefix(3).map { row in
                try row.map { v -> Double in
                    guard let x = (v as? Double) ?? (v as? Int).map(Double.init) else {
                        throw TrainingError(.malformed, "\(url.lastPathComponent): frame \(index) has a non-numeric matrix entry")
                    }
                    return x
                }
            }
            let (width, height): (Int, Int)
            if let w = number("w"), let h = number("h") {
                (width, height) = (Int(w), Int(h))
            } else {
                let image = try RGBImage(contentsOfImage: path)
                (width, height) = (image.width, image.height)
            }
            let fx: Double, fy: Double
            if let f = number("fl_x") {
                (fx, fy) = (f, number("fl_y") ?? f)
            } else if let angle = number("camera_angle_x") {
                fx = 0.5 * Double(width) / tan(0.5 * angle)
                fy = fx
            } else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): frame \(index) has neither fl_x nor camera_angle_x")
            }
            // Camera axes in the world: OpenGL x, −y, −z are OpenCV's x, y, z; R_wc's rows are
            // those axes, t = −R_wc·centre.
            let axes = (0..<3).map { column in SIMD3(m[0][column], m[1][column], m[2][column]) * (column == 0 ? 1 : -1) }
            let centre = SIMD3(m[0][3], m[1][3], m[2][3])
            let translation = -SIMD3((axes[0] * centre).sum(), (axes[1] * centre).sum(), (axes[2] * centre).sum())
            let camera = try Camera(
                width: width, height: height, fx: Float(fx), fy: Float(fy),
                cx: Float(number("cx") ?? Double(width) / 2), cy: Float(number("cy") ?? Double(height) / 2),
                rotation: (SIMD3<Float>(axes[0]), SIMD3<Float>(axes[1]), SIMD3<Float>(axes[2])),
                translation: SIMD3<Float>(translation))
            return try view(name: file, camera: camera, imagePath: path, resolution: resolution)
        }
    }
}
