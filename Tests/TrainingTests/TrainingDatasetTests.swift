import Foundation
import Renderer
import Testing
@testable import Training

/// Datasets written in each format by the test (from cameras and images it knows), read back.
@Suite struct TrainingDatasetTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatedge-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Views of the fixture scene at an odd size with an off-centre principal point.
    static func views(count: Int = 9) throws -> [TrainingView] {
        let scene = TrainingFixtures.groundTruth(count: 60)
        return try TrainingFixtures.ringCameras(count: count, width: 33, height: 25).enumerated().map { k, base in
            let camera = try Camera(
                width: 33, height: 25, fx: base.fx * 1.1, fy: base.fy, cx: 15.2, cy: 13.9,
                rotation: base.rotation, translation: base.translation)
            var image = scene.render(camera: camera, options: RenderOptions(threads: 1))
            image.pixels = image.pixels.map { (min(max($0, 0), 1) * 255).rounded() / 255 }
            return try TrainingView(name: String(format: "img%03d.png", k), camera: camera, image: image)
        }
    }

    static func quaternion(_ r: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)) -> SIMD4<Double> {
        TrainingDataset.quaternion(rows: r)
    }

    static func writeImages(_ views: [TrainingView], to folder: URL, jpeg: Bool = false) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for view in views {
            let data = jpeg ? try view.image.jpegData(quality: 100) : try view.image.pngData()
            try data.write(to: folder.appendingPathComponent(view.name))
        }
    }

    /// Same names, cameras and pixels (within `imageTolerance`, or on average within
    /// `meanTolerance` for lossy files).
    static func expectSame(_ loaded: [TrainingView], _ expected: [TrainingView], imageTolerance: Float = 1e-6, meanTolerance: Float? = nil) {
        #expect(loaded.count == expected.count)
        for (a, b) in zip(loaded, expected) {
            #expect(a.name == b.name)
            #expect(a.camera.intrinsics == b.camera.intrinsics)
            let pairs: [(SIMD3<Float>, SIMD3<Float>)] = [
                (a.camera.rotation.0, b.camera.rotation.0), (a.camera.rotation.1, b.camera.rotation.1),
                (a.camera.rotation.2, b.camera.rotation.2), (a.camera.translation, b.camera.translation),
            ]
            for (x, y) in pairs {
                let d = x - y
                #expect(max(abs(d.x), abs(d.y), abs(d.z)) < 1e-5)
            }
            if let meanTolerance {
                let mean = zip(a.image.pixels, b.image.pixels).reduce(Float(0)) { $0 + abs($1.0 - $1.1) } / Float(a.image.pixels.count)
                #expect(mean <= meanTolerance)
            } else {
                #expect(zip(a.image.pixels, b.image.pixels).allSatisfy { abs($0 - $1) <= imageTolerance })
            }
        }
    }

    static func colmapText(_ views: [TrainingView], simple: Bool) -> (cameras: String, images: String, points: String) {
        var cameras = "# Camera list\n", images = "# Image list\n"
        for (k, view) in views.enumerated() {
            let c = view.camera
            cameras +=
                simple
                ? "\(k + 1) SIMPLE_PINHOLE \(c.width) \(c.height) \(c.fx) \(c.cx) \(c.cy)\n"
                : "\(k + 1) PINHOLE \(c.width) \(c.height) \(c.fx) \(c.fy) \(c.cx) \(c.cy)\n"
            let q = quaternion(c.rotation)
            images += "\(k + 1) \(q.x) \(q.y) \(q.z) \(q.w) \(c.translation.x) \(c.translation.y) \(c.translation.z) \(k + 1) \(view.name)\n"
            images += k % 2 == 0 ? "10.5 3.25 1 2.0 4.0 -1\n" : "\n"
        }
        return (cameras, images, "# 3D points\n1 0.5 -0.25 1 255 0 128 0.3 1 0 2 1\n2 -1 0 0.5 10 20 30 0.1\n")
    }

    @Test func readsACOLMAPTextModelWithEvery8thViewHeldOut() throws {
        let root = try Self.temporaryDirectory()
        let views = try Self.views()
        try Self.writeImages(views, to: root.appendingPathComponent("images"))
        let model = root.appendingPathComponent("sparse/0")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        let text = Self.colmapText(views, simple: false)
        try text.cameras.write(to: model.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        try text.images.write(to: model.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try text.points.write(to: model.appendingPathComponent("points3D.txt"), atomically: true, encoding: .utf8)
        let dataset = try TrainingDataset.load(directory: root.path)
        Self.expectSame(dataset.test, [views[0], views[8]])
        Self.expectSame(dataset.train, Array(views[1..<8]))
        #expect(dataset.points?.positions == [SIMD3(0.5, -0.25, 1), SIMD3(-1, 0, 0.5)])
        #expect(dataset.points?.colors[0] == SIMD3(1, 0, 128.0 / 255))
    }

    @Test func readsACOLMAPBinaryModelWithSimplePinholeAndJPEGImages() throws {
        let root = try Self.temporaryDirectory()
        let views = try Self.views().map { view in
            var v = view
            v.camera.fy = v.camera.fx
            v.name = v.name.replacingOccurrences(of: ".png", with: ".jpg")
            return v
        }
        try Self.writeImages(views, to: root.appendingPathComponent("images"), jpeg: true)
        let model = root.appendingPathComponent("sparse/0")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        var cameras = Data(), images = Data(), points = Data()
        func put<T>(_ value: T, _ data: inout Data) { withUnsafeBytes(of: value) { data.append(contentsOf: $0) } }
        put(UInt64(views.count), &cameras)
        put(UInt64(views.count), &images)
        for (k, view) in views.enumerated() {
            let c = view.camera
            put(Int32(k + 1), &cameras); put(Int32(0), &cameras)
            put(UInt64(c.width), &cameras); put(UInt64(c.height), &cameras)
            for p in [c.fx, c.cx, c.cy] { put(Double(p), &cameras) }
            let q = Self.quaternion(c.rotation)
            put(Int32(k + 1), &images)
            for v in [q.x, q.y, q.z, q.w, Double(c.translation.x), Double(c.translation.y), Double(c.translation.z)] { put(v, &images) }
            put(Int32(k + 1), &images)
            images.append(contentsOf: Array(view.name.utf8) + [0])
            put(UInt64(1), &images); put(1.5, &images); put(2.5, &images); put(Int64(-1), &images)
        }
        put(UInt64(1), &points); put(UInt64(7), &points)
        for v in [0.25, 0.5, -2.0] { put(v, &points) }
        points.append(contentsOf: [10, 20, 30] as [UInt8])
        put(0.5, &points); put(UInt64(2), &points)
        for v: Int32 in [1, 0, 2, 3] { put(v, &points) }
        try cameras.write(to: model.appendingPathComponent("cameras.bin"))
        try images.write(to: model.appendingPathComponent("images.bin"))
        try points.write(to: model.appendingPathComponent("points3D.bin"))
        let dataset = try TrainingDataset.load(directory: root.path, holdOutEvery: 0)
        // JPEG is lossy (4:2:0 chroma at the splats' sharp colour edges on 33×25 images): on average.
        Self.expectSame(dataset.train, views, meanTolerance: 8 / 255)
        #expect(dataset.points?.positions == [SIMD3(0.25, 0.5, -2)])
    }

    @Test func readsNerfstudioTransformsAndResamples() throws {
        let root = try Self.temporaryDirectory()
        let views = try Self.views()
        try Self.writeImages(views, to: root.appendingPathComponent("images"))
        var frames: [[String: Any]] = []
        for view in views {
            let c = view.camera
            // Camera-to-world in OpenGL axes: columns x, −y, −z of the OpenCV camera, centre.
            let axes = [c.rotation.0, c.rotation.1, c.rotation.2]
            let centre = c.position
            var matrix: [[Double]] = []
            for row in 0..<3 {
                let entries: [Double] = [Double(axes[0][row]), -Double(axes[1][row]), -Double(axes[2][row]), Double(centre[row])]
                matrix.append(entries)
            }
            matrix.append([0, 0, 0, 1])
            frames.append([
                "file_path": "images/\(view.name)", "transform_matrix": matrix,
                "fl_x": Double(c.fx), "fl_y": Double(c.fy), "cx": Double(c.cx), "cy": Double(c.cy), "w": c.width, "h": c.height,
            ])
        }
        let json = try JSONSerialization.data(withJSONObject: ["camera_model": "OPENCV", "frames": frames])
        try json.write(to: root.appendingPathComponent("transforms.json"))
        let dataset = try TrainingDataset.load(directory: root.path)
        // A view's name is its file_path.
        let named = try views.map { try TrainingView(name: "images/\($0.name)", camera: $0.camera, image: $0.image) }
        Self.expectSame(dataset.train + dataset.test, Array(named[1..<8]) + [named[0], named[8]])
        let half = try TrainingDataset.load(directory: root.path, resolution: (16, 12))
        #expect(half.train[0].image.width == 16 && half.train[0].camera.height == 12)
        #expect(abs(half.train[0].camera.fx - views[1].camera.fx * 16 / 33) < 1e-4)
    }

    /// A smooth grey ramp (orientation) and a flat colour (channel order) survive a JPEG round
    /// trip through libjpeg-turbo within a few levels (colour ramps would meet 4:2:0 chroma).
    @Test func jpegRoundTripKeepsOrientationAndChannels() throws {
        var ramp = RGBImage(width: 37, height: 21)
        for y in 0..<21 {
            for x in 0..<37 { ramp[x, y] = SIMD3(repeating: 0.1 + 0.5 * Float(x) / 36 + 0.3 * Float(y) / 20) }
        }
        let flat = RGBImage(width: 16, height: 8, fill: SIMD3(0.9, 0.5, 0.1))
        for image in [ramp, flat] {
            let decoded = try RGBImage(jpegData: try image.jpegData(quality: 98))
            #expect(decoded.width == image.width && decoded.height == image.height)
            let worst = zip(decoded.pixels, image.pixels).map { abs($0 - $1) }.max()!
            #expect(worst <= 3 / 255, "worst error \(worst * 255) levels")
        }
    }

    /// The writer's COLMAP text model and explicit split read back to the same views.
    @Test func writtenCOLMAPModelReadsBackWithItsExplicitSplit() throws {
        let root = try Self.temporaryDirectory()
        let views = try Self.views()
        let cloud = try PointCloud(positions: [SIMD3(1, 2, 3)], colors: [SIMD3(0.2, 0.4, 1)])
        try TrainingDataset(train: Array(views[2...]), test: Array(views[..<2]), points: cloud).writeCOLMAPText(to: root.path)
        let loaded = try TrainingDataset.load(directory: root.path)
        Self.expectSame(loaded.train, Array(views[2...]), imageTolerance: 0.5 / 255)
        Self.expectSame(loaded.test, Array(views[..<2]), imageTolerance: 0.5 / 255)
        #expect(loaded.points?.positions == [SIMD3(1, 2, 3)])
        #expect(abs(loaded.points!.colors[0].x - 51 / 255) < 1e-6)
    }

    @Test func reportsMissingFilesUnsupportedModelsAndMismatchedSizes() throws {
        let root = try Self.temporaryDirectory()
        #expect(throws: TrainingError.self) { try TrainingDataset.load(directory: root.appendingPathComponent("absent").path) }
        let views = try Self.views(count: 2)
        let model = root.appendingPathComponent("sparse/0")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        var text = Self.colmapText(views, simple: false)
        try text.images.write(to: model.appendingPathComponent("images.txt"), atomically: true, encoding: .utf8)
        try text.cameras.replacingOccurrences(of: "PINHOLE", with: "OPENCV").write(
            to: model.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        #expect { try TrainingDataset.load(directory: root.path) } throws: { ($0 as? TrainingError)?.code == .unsupportedCameraModel }
        try text.cameras.write(to: model.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        #expect { try TrainingDataset.load(directory: root.path) } throws: { ($0 as? TrainingError)?.code == .missingFile }
        try Self.writeImages(views, to: root.appendingPathComponent("images"))
        text.cameras = text.cameras.replacingOccurrences(of: " 33 25 ", with: " 34 25 ")
        try text.cameras.write(to: model.appendingPathComponent("cameras.txt"), atomically: true, encoding: .utf8)
        #expect { try TrainingDataset.load(directory: root.path) } throws: { ($0 as? TrainingError)?.code == .mismatchedSize }
        #expect { try RGBImage(jpegData: Data([0xFF, 0xD8, 0xFF, 0x00, 1, 2])) } throws: { ($0 as? TrainingError)?.code == .unsupportedImage }
    }
}
