import Foundation
import Renderer

extension TrainingDataset {
    /// Writes the dataset as a COLMAP text model — `sparse/0/{cameras,images,points3D}.txt`, one
    /// PINHOLE camera per view, PNG images in `images/` — plus `test_list.txt` naming the held-out
    /// views, so that ``load(directory:resolution:holdOutEvery:)`` reads back this exact split.
    public func writeCOLMAPText(to directory: String) throws {
        let root = URL(fileURLWithPath: directory)
        let model = root.appendingPathComponent("sparse/0"), images = root.appendingPathComponent("images")
        for folder in [model, images] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        var cameras = "# CAMERA_ID MODEL WIDTH HEIGHT PARAMS[]\n"
        var poses = "# IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME, then POINTS2D[] as (X, Y, POINT3D_ID)\n"
        for (k, view) in (train + test).enumerated() {
            let c = view.camera
            cameras += "\(k + 1) PINHOLE \(c.width) \(c.height) \(c.fx) \(c.fy) \(c.cx) \(c.cy)\n"
            let q = Self.quaternion(rows: c.rotation)
            poses += "\(k + 1) \(q.x) \(q.y) \(q.z) \(q.w) \(c.translation.x) \(c.translation.y) \(c.translation.z) \(k + 1) \(view.name)\n\n"
            try view.image.pngData().write(to: images.appendingPathComponent(view.name))
        }
        var points = "# POINT3D_ID X Y Z R G B ERROR TRACK[]\n"
        if let cloud = self.points {
            for (k, (p, color)) in zip(cloud.positions, cloud.colors).enumerated() {
                let rgb = (color * 255).rounded(.toNearestOrEven)
                let clamped = SIMD3<Float>(min(max(rgb.x, 0), 255), min(max(rgb.y, 0), 255), min(max(rgb.z, 0), 255))
                points += "\(k + 1) \(p.x) \(p.y) \(p.z) \(Int(clamped.x)) \(Int(clamped.y)) \(Int(clamped.z)) 0\n"
            }
        }
        try cameras.write(to: model.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        try poses.write(to: model.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try points.write(to: model.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)
        try (test.map(\.name).joined(separator: "\n") + "\n").write(
            to: root.appendingPathComponent("test_list.txt"), atomically: true, encoding: .utf8)
    }

    /// The unit quaternion (w, x, y, z) of a rotation matrix given by rows (Shepperd 1978: the
    /// largest of w, x, y, z is recovered first, for accuracy).
    static func quaternion(rows r: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)) -> SIMD4<Double> {
        let m = [r.0, r.1, r.2].map { SIMD3<Double>($0) }
        let trace = m[0].x + m[1].y + m[2].z
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            return SIMD4(s / 4, (m[2].y - m[1].z) / s, (m[0].z - m[2].x) / s, (m[1].x - m[0].y) / s)
        }
        if m[0].x > m[1].y && m[0].x > m[2].z {
            let s = (1 + m[0].x - m[1].y - m[2].z).squareRoot() * 2
            return SIMD4((m[2].y - m[1].z) / s, s / 4, (m[0].y + m[1].x) / s, (m[0].z + m[2].x) / s)
        }
        if m[1].y > m[2].z {
            let s = (1 + m[1].y - m[0].x - m[2].z).squareRoot() * 2
            return SIMD4((m[0].z - m[2].x) / s, (m[0].y + m[1].x) / s, s / 4, (m[1].z + m[2].y) / s)
        }
        let s = (1 + m[2].z - m[0].x - m[1].y).squareRoot() * 2
        return SIMD4((m[1].x - m[0].y) / s, (m[0].z + m[2].x) / s, (m[1].z + m[2].y) / s, s / 4)
    }
}
