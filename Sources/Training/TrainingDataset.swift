import Foundation
import Renderer

/// Posed images split into training and held-out views, and the points to start from — read
/// from the formats the field uses: a COLMAP model (`sparse/0/` or `sparse/`, text or binary,
/// PINHOLE / SIMPLE_PINHOLE cameras) with its `images/`, or a nerfstudio / Blender
/// `transforms.json` (Blender's `transforms_train.json` + `transforms_test.json` keep their own
/// split; elsewhere a `test_list.txt` gives an explicit one). PNG and JPEG images.
public struct TrainingDataset: Sendable {
    /// Views trained on.
    public var train: [TrainingView]
    /// Held-out views for evaluation.
    public var test: [TrainingView]
    /// Points of the reconstruction, when the format carries them.
    public var points: PointCloud?

    /// A dataset from views already in memory; views are ordered by name and every
    /// `holdOutEvery`-th (0, n, 2n, … — the reference's LLFF hold-out) is held out; 0 holds out none.
    public init(views: [TrainingView], points: PointCloud?, holdOutEvery: Int = 8) {
        let sorted = views.sorted { $0.name < $1.name }
        train = sorted.enumerated().filter { holdOutEvery <= 0 || $0.offset % holdOutEvery != 0 }.map(\.element)
        test = holdOutEvery <= 0 ? [] : sorted.enumerated().filter { $0.offset % holdOutEvery == 0 }.map(\.element)
        self.points = points
    }

    /// A dataset with an explicit split.
    public init(train: [TrainingView], test: [TrainingView], points: PointCloud?) {
        self.train = train
        self.test = test
        self.points = points
    }

    /// Loads the dataset in `directory`, detecting its format; images (and intrinsics) are
    /// resampled to `resolution` when given. `holdOutEvery` applies to formats without a split.
    public static func load(directory: String, resolution: (width: Int, height: Int)? = nil, holdOutEvery: Int = 8) throws -> TrainingDataset {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrainingError(.missingFile, "dataset directory \(directory) does not exist")
        }
        if let resolution, resolution.width <= 0 || resolution.height <= 0 {
            throw TrainingError(.invalidArgument, "resolution \(resolution.width)×\(resolution.height) must be positive")
        }
        let root = URL(fileURLWithPath: directory)
        if files.fileExists(atPath: root.appendingPathComponent("transforms_train.json").path) {
            let train = try loadTransforms(root.appendingPathComponent("transforms_train.json"), resolution: resolution)
            let testFile = root.appendingPathComponent("transforms_test.json")
            let test = files.fileExists(atPath: testFile.path) ? try loadTransforms(testFile, resolution: resolution) : []
            return TrainingDataset(train: train, test: test, points: nil)
        }
        if files.fileExists(atPath: root.appendingPathComponent("transforms.json").path) {
            let views = try loadTransforms(root.appendingPathComponent("transforms.json"), resolution: resolution)
            return try split(views, points: nil, root: root, holdOutEvery: holdOutEvery)
        }
        for model in ["sparse/0", "sparse", "."] {
            let folder = root.appendingPathComponent(model)
            if ["cameras.bin", "cameras.txt"].contains(where: { files.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
                let (views, points) = try loadCOLMAP(model: folder, images: root.appendingPathComponent("images"), resolution: resolution)
                return try split(views, points: points, root: root, holdOutEvery: holdOutEvery)
            }
        }
        throw TrainingError(
            .missingFile, "\(directory) holds neither transforms.json, transforms_train.json nor a COLMAP model (sparse/0/cameras.bin or .txt)")
    }

    /// The explicit split of `test_list.txt` in the dataset's root (one held-out view name per
    /// line) when present, else every `holdOutEvery`-th view by name.
    static func split(_ views: [TrainingView], points: PointCloud?, root: URL, holdOutEvery: Int) throws -> TrainingDataset {
        let listFile = root.appendingPathComponent("test_list.txt")
        guard let data = FileManager.default.contents(atPath: listFile.path) else {
            return TrainingDataset(views: views, points: points, holdOutEvery: holdOutEvery)
        }
        let names = Set(
            String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        let known = Set(views.map(\.name))
        if let unknown = names.subtracting(known).sorted().first {
            throw TrainingError(.malformed, "test_list.txt names \(unknown), which is not a view of the dataset")
        }
        let sorted = views.sorted { $0.name < $1.name }
        return TrainingDataset(train: sorted.filter { !names.contains($0.name) }, test: sorted.filter { names.contains($0.name) }, points: points)
    }

    /// `camera` with its intrinsics scaled to `resolution` (nil: unchanged) and `image` resampled.
    static func view(name: String, camera: Camera, imagePath: String, resolution: (width: Int, height: Int)?) throws -> TrainingView {
        var image = try RGBImage(contentsOfImage: imagePath)
        guard image.width == camera.width, image.height == camera.height else {
            throw TrainingError(.mismatchedSize, "\(imagePath) is \(image.width)×\(image.height) but its camera is \(camera.width)×\(camera.height)")
        }
        guard let resolution else { return try TrainingView(name: name, camera: camera, image: image) }
        let (sx, sy) = (Float(resolution.width) / Float(camera.width), Float(resolution.height) / Float(camera.height))
        let scaled = try Camera(
            width: resolution.width, height: resolution.height, fx: camera.fx * sx, fy: camera.fy * sy,
            cx: camera.cx * sx, cy: camera.cy * sy, rotation: camera.rotation, translation: camera.translation)
        image = image.resized(width: resolution.width, height: resolution.height)
        return try TrainingView(name: name, camera: scaled, image: image)
    }

    /// Rows of the rotation matrix of a unit quaternion (w, x, y, z).
    static func rotationRows(_ q: SIMD4<Double>) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        let n = q / (q * q).sum().squareRoot()
        let (w, x, y, z) = (n.x, n.y, n.z, n.w)
        return (
            SIMD3<Float>(SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y))),
            SIMD3<Float>(SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x))),
            SIMD3<Float>(SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
        )
    }
}
