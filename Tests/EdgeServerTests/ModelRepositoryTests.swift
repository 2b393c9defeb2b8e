import Foundation
import Logging
import Renderer
import SlotModel
import Testing

@testable import EdgeServer

/// Model versions in the data directory: both PLY flavours load, hostile files are refused
/// with a typed error, and a restart serves the newest promoted version whose file loads.
@Suite("Model repository (PLY validation, versions, restart)")
struct ModelRepositoryTests {
    static let logger = Logger(label: "test")

    static func repository(_ directory: String, maxGaussians: Int = 10_000) throws -> ModelRepository {
        try DurableFile.makeDirectories(directory)
        return ModelRepository(dataDirectory: directory, catalog: try Catalog(path: directory + "/catalog.sqlite"), maxGaussians: maxGaussians)
    }

    /// A degree-3 PLY in the INRIA reference's layout (normals, f_dc, 45 f_rest channel-major,
    /// opacity, scales, rotation), written byte by byte here rather than by the renderer.
    /// Gaussian i's f_rest_m holds 1000·i + m, so the SH layout can be checked exactly.
    static func inriaPLY(count: Int) -> Data {
        var names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
        names += (0..<45).map { "f_rest_\($0)" }
        names += ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
        var data = Data("ply\nformat binary_little_endian 1.0\nelement vertex \(count)\n".utf8)
        for name in names { data += Data("property float \(name)\n".utf8) }
        data += Data("end_header\n".utf8)
        for i in 0..<count {
            var row: [Float] = [Float(i), 2 * Float(i), -1, 0, 0, 0, 0.1, 0.2, 0.3]
            row += (0..<45).map { Float(1000 * i + $0) }
            row += [0.5, -3, -3.5, -4, 1, 0, 0, 0]
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += Data($0) } }
        }
        return data
    }

    static func write(_ data: Data, _ directory: String, _ name: String = "scene.ply") throws -> String {
        let path = directory + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a standard INRIA-layout PLY loads with every property where the reference puts it")
    func inriaLayout() throws {
        let directory = TestDaemon.temporaryDirectory()
        let repository = try Self.repository(directory)
        let scene = try repository.load(path: try Self.write(Self.inriaPLY(count: 3), directory))
        #expect(scene.count == 3 && scene.shDegree == 3)
        for i in 0..<3 {
            #expect(Array(scene.positions[3 * i..<3 * i + 3]) == [Float(i), 2 * Float(i), -1])
            #expect(Array(scene.sh[48 * i..<48 * i + 3]) == [0.1, 0.2, 0.3])
            // f_rest is channel-major in the file: f_rest_{15c + j − 1} is coefficient j of channel c.
            for c in 0..<3 {
                for j in 1..<16 { #expect(scene.sh[3 * (16 * i + j) + c] == Float(1000 * i + 15 * c + j - 1)) }
            }
            #expect(scene.opacityLogits[i] == 0.5)
            #expect(Array(scene.logScales[3 * i..<3 * i + 3]) == [-3, -3.5, -4])
            #expect(Array(scene.rotations[4 * i..<4 * i + 4]) == [1, 0, 0, 0])
        }
    }

    @Test("a PLY the trainer wrote (gs-lab train's writer) loads back bit for bit")
    func trainerLayout() throws {
        let directory = TestDaemon.temporaryDirectory()
        let repository = try Self.repository(directory)
        let world = try SlotWorld(seed: 3, gaussianCount: 1000, smallFraction: 0.5)
        let path = directory + "/trained.ply"
        try world.large.writePLY(to: path)
        let scene = try repository.load(path: path)
        #expect(scene.positions == world.large.positions && scene.sh == world.large.sh)
        #expect(scene.opacityLogits == world.large.opacityLogits && scene.rotations == world.large.rotations)
    }

    /// Header lines of hostile files, and the refusal each must get.
    static let hostileHeaders: [(String, ModelError.Code)] = [
        ("element vertex 9223372036854775807", .malformed),  // count × row size overflows
        ("element vertex 4611686018427387904", .malformed),
        ("element vertex 0", .tooLarge),
        ("element vertex 5", .malformed),  // announces more rows than the file holds
    ]

    @Test("hostile counts are refused with a typed error, never a trap", arguments: hostileHeaders.indices)
    func hostileCounts(index: Int) throws {
        let (line, code) = Self.hostileHeaders[index]
        let directory = TestDaemon.temporaryDirectory()
        let repository = try Self.repository(directory)
        let hostile = Self.inriaPLY(count: 2).replacing(Data("element vertex 2".utf8), with: Data(line.utf8))
        do {
            _ = try repository.load(path: try Self.write(hostile, directory))
            Issue.record("\(line) loaded")
        } catch {
            #expect((error as? ModelError)?.code == code, "\(line): \(error)")
        }
    }

    @Test("NaN values, missing properties, too many Gaussians, oversized and missing files are refused")
    func malformedFiles() throws {
        let directory = TestDaemon.temporaryDirectory()
        let repository = try Self.repository(directory, maxGaussians: 2)
        var nan = Self.inriaPLY(count: 2)
        let firstValue = nan.count - 2 * 62 * 4
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { nan.replaceSubrange(firstValue..<firstValue + 4, with: $0) }
        let cases: [(Data?, ModelError.Code)] = [
            (nan, .malformed),
            (Self.inriaPLY(count: 2).replacing(Data("property float opacity".utf8), with: Data("property float opacitx".utf8)), .malformed),
            (Self.inriaPLY(count: 3), .tooLarge),
            (Data("ply\nformat ascii 1.0\nelement vertex 1\nend_header\n".utf8), .malformed),
            (Data(count: repository.maxFileBytes + 1), .tooLarge),
            (nil, .unreadable),
        ]
        for (index, (data, code)) in cases.enumerated() {
            let path = try data.map { try Self.write($0, directory, "case-\(index).ply") } ?? directory + "/absent.ply"
            do {
                _ = try repository.load(path: path)
                Issue.record("case \(index) loaded")
            } catch {
                #expect((error as? ModelError)?.code == code, "case \(index): \(error)")
            }
        }
    }

    @Test("a restart serves the newest promoted version whose file loads; unpromoted ones are kept, not served")
    func restartServesNewestGood() throws {
        let directory = TestDaemon.temporaryDirectory()
        let world = try SlotWorld(seed: 1, gaussianCount: 1000, smallFraction: 0.5)
        let initial: () throws(ModelError) -> (scene: GaussianScene, source: String) = { (world.large, "procedural") }
        var repository = try Self.repository(directory)
        let (first, _) = try repository.servingModel(initial: initial, logger: Self.logger)
        #expect(first.version == 1 && first.source == "procedural" && first.promoted)
        let trained = try GaussianScene(
            shDegree: world.large.shDegree, positions: world.large.positions.map { $0 + 0.01 }, logScales: world.large.logScales,
            rotations: world.large.rotations, opacityLogits: world.large.opacityLogits, sh: world.large.sh)
        var draft = first
        draft.parent = 1
        draft.source = "trained"
        let second = try repository.add(trained, draft)
        draft.promoted = false
        let third = try repository.add(world.large, draft)
        #expect(second.version == 2 && third.version == 3)
        // An interrupted write leaves a temporary file; the restart removes it.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory + "/models/4.ply.tmp"))

        repository = try Self.repository(directory)
        let (serving, scene) = try repository.servingModel(initial: initial, logger: Self.logger)
        #expect(serving.version == 2)
        #expect(scene.positions == trained.positions)
        #expect(!FileManager.default.fileExists(atPath: directory + "/models/4.ply.tmp"))
        #expect(try repository.versions().map(\.version) == [1, 2, 3])

        // A damaged newest file: the next older promoted version serves.
        try Data("ply\n".utf8).write(to: URL(fileURLWithPath: directory + "/models/2.ply"))
        let (fallback, _) = try Self.repository(directory).servingModel(initial: initial, logger: Self.logger)
        #expect(fallback.version == 1)
    }
}

extension Data {
    fileprivate func replacing(_ old: Data, with new: Data) -> Data {
        guard let range = range(of: old) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: new)
        return copy
    }
}
