import Foundation
import Renderer

/// COLMAP sparse models (Schönberger & Frahm 2016), in the text and binary layouts of COLMAP's
/// `read_write_model`: cameras (PINHOLE, SIMPLE_PINHOLE), images (world-to-camera quaternion and
/// translation, OpenCV axes — the renderer's own convention), points3D (xyz, rgb).
extension TrainingDataset {
    struct COLMAPCamera {
        var width: Int, height: Int
        var fx: Double, fy: Double, cx: Double, cy: Double
    }

    struct COLMAPImage {
        var name: String
        var cameraID: Int
        var rotation: SIMD4<Double>
        var translation: SIMD3<Double>
    }

    /// COLMAP's camera model ids and their parameter counts (`CAMERA_MODEL_DEFINITIONS`).
    static let colmapModels: [(name: String, parameters: Int)] = [
        ("SIMPLE_PINHOLE", 3), ("PINHOLE", 4), ("SIMPLE_RADIAL", 4), ("RADIAL", 5), ("OPENCV", 8),
        ("OPENCV_FISHEYE", 8), ("FULL_OPENCV", 12), ("FOV", 5), ("SIMPLE_RADIAL_FISHEYE", 4),
        ("RADIAL_FISHEYE", 5), ("THIN_PRISM_FISHEYE", 12),
    ]

    static func loadCOLMAP(model: URL, images: URL, resolution: (width: Int, height: Int)?) throws -> (views: [TrainingView], points: PointCloud?) {
        let binary = FileManager.default.fileExists(atPath: model.appendingPathComponent("cameras.bin").path)
        let cameras: [Int: COLMAPCamera]
        let posed: [COLMAPImage]
        var points: PointCloud?
        if binary {
            cameras = try readCamerasBinary(model.appendingPathComponent("cameras.bin"))
            posed = try readImagesBinary(model.appendingPathComponent("images.bin"))
            let pointsFile = model.appendingPathComponent("points3D.bin")
            if FileManager.default.fileExists(atPath: pointsFile.path) { points = try readPointsBinary(pointsFile) }
        } else {
            cameras = try readCamerasText(model.appendingPathComponent("cameras.txt"))
            posed = try readImagesText(model.appendingPathComponent("images.txt"))
            let pointsFile = model.appendingPathComponent("points3D.txt")
            if FileManager.default.fileExists(atPath: pointsFile.path) { points = try readPointsText(pointsFile) }
        }
        let views = try posed.map { image -> TrainingView in
            guard let c = cameras[image.cameraID] else {
                throw TrainingError(.malformed, "image \(image.name) refers to camera \(image.cameraID), which cameras lists not")
            }
            let camera = try Camera(
                width: c.width, height: c.height, fx: Float(c.fx), fy: Float(c.fy), cx: Float(c.cx), cy: Float(c.cy),
                rotation: rotationRows(image.rotation), translation: SIMD3<Float>(image.translation))
            return try view(name: image.name, camera: camera, imagePath: images.appendingPathComponent(image.name).path, resolution: resolution)
        }
        return (views, points)
    }

    static func camera(model: String, width: Int, height: Int, parameters p: [Double], file: String) throws -> COLMAPCamera {
        switch model {
        case "PINHOLE" where p.count == 4: return COLMAPCamera(width: width, height: height, fx: p[0], fy: p[1], cx: p[2], cy: p[3])
        case "SIMPLE_PINHOLE" where p.count == 3: return COLMAPCamera(width: width, height: height, fx: p[0], fy: p[0], cx: p[1], cy: p[2])
        case "PINHOLE", "SIMPLE_PINHOLE": throw TrainingError(.malformed, "\(file): \(model) camera with \(p.count) parameters")
        default:
            throw TrainingError(
                .unsupportedCameraModel,
                "\(file): camera model \(model) is not supported (PINHOLE and SIMPLE_PINHOLE are; undistort the images with COLMAP first)")
        }
    }

    // MARK: Text

    static func lines(_ url: URL) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TrainingError(.missingFile, "\(url.path) does not exist")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    static func readCamerasText(_ url: URL) throws -> [Int: COLMAPCamera] {
        var cameras: [Int: COLMAPCamera] = [:]
        for line in try lines(url) where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            let f = line.split(separator: " ")
            guard f.count >= 4, let id = Int(f[0]), let w = Int(f[2]), let h = Int(f[3]) else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): bad line '\(line)'")
            }
            let parameters = try f.dropFirst(4).map { s -> Double in
                guard let v = Double(s) else { throw TrainingError(.malformed, "\(url.lastPathComponent): bad number '\(s)'") }
                return v
            }
            cameras[id] = try camera(model: String(f[1]), width: w, height: h, parameters: parameters, file: url.lastPathComponent)
        }
        return cameras
    }

    static func readImagesText(_ url: URL) throws -> [COLMAPImage] {
        var result: [COLMAPImage] = []
        var expectPoints = false
        for line in try lines(url) where !line.hasPrefix("#") {
            // Each image is a pose line followed by its (possibly empty) 2D-points line.
            if expectPoints { expectPoints = false; continue }
            if line.allSatisfy(\.isWhitespace) { continue }
            let f = line.split(separator: " ", maxSplits: 9)
            let numbers = f.prefix(8).compactMap { Double($0) }
            guard f.count == 10, numbers.count == 8, let cameraID = Int(f[8]) else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): bad image line '\(line)'")
            }
            result.append(
                COLMAPImage(
                    name: String(f[9]), cameraID: cameraID, rotation: SIMD4(numbers[1], numbers[2], numbers[3], numbers[4]),
                    translation: SIMD3(numbers[5], numbers[6], numbers[7])))
            expectPoints = true
        }
        return result
    }

    static func readPointsText(_ url: URL) throws -> PointCloud {
        var positions: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = []
        for line in try lines(url) where !line.hasPrefix("#") && !line.allSatisfy(\.isWhitespace) {
            let f = line.split(separator: " ")
            guard f.count >= 7, let x = Float(f[1]), let y = Float(f[2]), let z = Float(f[3]),
                let r = Float(f[4]), let g = Float(f[5]), let b = Float(f[6])
            else {
                throw TrainingError(.malformed, "\(url.lastPathComponent): bad point line '\(line)'")
            }
            positions.append(SIMD3(x, y, z))
            colors.append(SIMD3(r, g, b) / 255)
        }
        return try PointCloud(positions: positions, colors: colors)
    }

    // MARK: Binary (little-endian)

    static func readCamerasBinary(_ url: URL) throws -> [Int: COLMAPCamera] {
        var reader = try BinaryReader(url)
        var cameras: [Int: COLMAPCamera] = [:]
        for _ in 0..<(try reader.count()) {
            let id = Int(try reader.read(Int32.self))
            let modelID = Int(try reader.read(Int32.self))
            let width = Int(try reader.read(UInt64.self)), height = Int(try reader.read(UInt64.self))
            guard colmapModels.indices.contains(modelID) else {
                throw TrainingError(.unsupportedCameraModel, "cameras.bin: unknown camera model id \(modelID)")
            }
            let model = colmapModels[modelID]
            let parameters = try (0..<model.parameters).map { _ in try reader.read(Double.self) }
            cameras[id] = try camera(model: model.name, width: width, height: height, parameters: parameters, file: "cameras.bin")
        }
        return cameras
    }

    static func readImagesBinary(_ url: URL) throws -> [COLMAPImage] {
        var reader = try BinaryReader(url)
        return try (0..<(try reader.count())).map { _ in
            _ = try reader.read(Int32.self)
            let q = SIMD4(try reader.read(Double.self), try reader.read(Double.self), try reader.read(Double.self), try reader.read(Double.self))
            let t = SIMD3(try reader.read(Double.self), try reader.read(Double.self), try reader.read(Double.self))
            let cameraID = Int(try reader.read(Int32.self))
            let name = try reader.cString()
            let observations = try reader.count()
            try reader.skip(observations * 24)
            return COLMAPImage(name: name, cameraID: cameraID, rotation: q, translation: t)
        }
    }

    static func readPointsBinary(_ url: URL) throws -> PointCloud {
        var reader = try BinaryReader(url)
        var positions: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = []
        for _ in 0..<(try reader.count()) {
            _ = try reader.read(UInt64.self)
            positions.append(SIMD3(Float(try reader.read(Double.self)), Float(try reader.read(Double.self)), Float(try reader.read(Double.self))))
            colors.append(SIMD3(Float(try reader.read(UInt8.self)), Float(try reader.read(UInt8.self)), Float(try reader.read(UInt8.self))) / 255)
            _ = try reader.read(Double.self)
            try reader.skip(try reader.count() * 8)
        }
        return try PointCloud(positions: positions, colors: colors)
    }
}

/// Sequential little-endian reads with bounds checks that name the file.
struct BinaryReader {
    let bytes: [UInt8]
    let name: String
    var offset = 0

    init(_ url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TrainingError(.missingFile, "\(url.path) does not exist")
        }
        bytes = [UInt8](data)
        name = url.lastPathComponent
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw TrainingError(.malformed, "\(name) is truncated at byte \(offset)") }
        var value: T = 0
        for k in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + k]) << (8 * k) }
        offset += size
        return value
    }

    mutating func read(_: Double.Type) throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    /// A uint64 element count, bounded by the bytes left (a corrupt count cannot allocate).
    mutating func count() throws -> Int {
        let n = try read(UInt64.self)
        guard n <= UInt64(bytes.count - offset) else { throw TrainingError(.malformed, "\(name): count \(n) exceeds the file") }
        return Int(n)
    }

    mutating func cString() throws -> String {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw TrainingError(.malformed, "\(name): unterminated name") }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end + 1
        return text
    }

    mutating func skip(_ count: Int) throws {
        guard offset + count <= bytes.count else { throw TrainingError(.malformed, "\(name) is truncated at byte \(offset)") }
        offset += count
    }
}
