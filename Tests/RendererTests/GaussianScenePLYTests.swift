import Foundation
import Renderer
import Testing

@Suite struct GaussianScenePLYTests {
    static let degree0Names = [
        "x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2",
        "opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3",
    ]
    static let row: [Float] = [1, 2, 3, 0, 0, 0, 0.1, 0.2, 0.3, -0.5, -1, -2, -3, 1, 0, 0, 0]

    @Test(arguments: 0...3) func roundTripIsBitExact(degree: Int) throws {
        let scene = TestScenes.random(count: 37, shDegree: degree, seed: UInt64(degree + 11))
        let data = scene.plyData()
        let back = try GaussianScene(plyData: data)
        #expect(back.shDegree == degree)
        #expect(back.count == 37)
        #expect(back.positions.map(\.bitPattern) == scene.positions.map(\.bitPattern))
        #expect(back.logScales.map(\.bitPattern) == scene.logScales.map(\.bitPattern))
        #expect(back.rotations.map(\.bitPattern) == scene.rotations.map(\.bitPattern))
        #expect(back.opacityLogits.map(\.bitPattern) == scene.opacityLogits.map(\.bitPattern))
        #expect(back.sh.map(\.bitPattern) == scene.sh.map(\.bitPattern))
        #expect(back.plyData() == data)
    }

    @Test func fileRoundTrip() throws {
        let scene = TestScenes.random(count: 5, shDegree: 3, seed: 3)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scene-\(UUID()).ply").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try scene.writePLY(to: path)
        #expect(try GaussianScene(contentsOfPLY: path) == scene)
    }

    @Test func readsHandWrittenFileAndMapsFRestChannelMajor() throws {
        // Degree 1: f_rest_0..8 are R1 R2 R3 G1 G2 G3 B1 B2 B3 (channel-major, as in the reference).
        let names = Array(Self.degree0Names[0..<9]) + (0..<9).map { "f_rest_\($0)" } + Array(Self.degree0Names[9...])
        let row = Array(Self.row[0..<9]) + (0..<9).map { Float($0 + 10) } + Array(Self.row[9...])
        let scene = try GaussianScene(plyData: TestScenes.plyBytes(properties: names, rows: [row]))
        #expect(scene.shDegree == 1)
        let g = scene[0]
        #expect(g.position == SIMD3(1, 2, 3))
        #expect(g.sh[0] == SIMD3(0.1, 0.2, 0.3))
        #expect(g.sh[1] == SIMD3(10, 13, 16))
        #expect(g.sh[3] == SIMD3(12, 15, 18))
        #expect(g.opacityLogit == -0.5)
        #expect(g.logScale == SIMD3(-1, -2, -3))
        #expect(g.rotation == SIMD4(1, 0, 0, 0))
    }

    @Test func bigEndianAndExtraPropertiesAreRead() throws {
        let names = Self.degree0Names + ["extra"]
        let data = TestScenes.plyBytes(format: "binary_big_endian", properties: names, rows: [Self.row + [7]])
        let scene = try GaussianScene(plyData: data)
        #expect(scene[0].position == SIMD3(1, 2, 3))
        #expect(scene[0].logScale == SIMD3(-1, -2, -3))
    }

    @Test func skipsFixedSizeElementsBeforeVertex() throws {
        var data = Data("ply\nformat binary_little_endian 1.0\nelement camera 1\nproperty double f\nelement vertex 1\n".utf8)
        for name in Self.degree0Names { data += Data("property float \(name)\n".utf8) }
        data += Data("end_header\n".utf8)
        withUnsafeBytes(of: Double(9).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        for v in Self.row { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        #expect(try GaussianScene(plyData: data)[0].position == SIMD3(1, 2, 3))
    }

    static func expectError(_ code: RendererError.Code, _ data: Data) {
        #expect(throws: RendererError.self) { try GaussianScene(plyData: data) }
        do {
            _ = try GaussianScene(plyData: data)
        } catch let error as RendererError {
            #expect(error.code == code, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func missingPropertyIsReported() {
        let names = Self.degree0Names.filter { $0 != "rot_2" }
        let row = Self.row.enumerated().filter { $0.offset != 15 }.map(\.element)
        Self.expectError(.missingProperty, TestScenes.plyBytes(properties: names, rows: [row]))
    }

    @Test func fRestCountThatIsNoDegreeIsRejected() {
        let names = Self.degree0Names + (0..<5).map { "f_rest_\($0)" }
        Self.expectError(.invalidScene, TestScenes.plyBytes(properties: names, rows: [Self.row + [0, 0, 0, 0, 0]]))
    }

    @Test func truncatedDataIsRejected() {
        Self.expectError(.truncated, TestScenes.plyBytes(properties: Self.degree0Names, rows: [Self.row], declaredCount: 2))
    }

    @Test func nonFiniteValueIsRejected() {
        var row = Self.row
        row[10] = .nan
        Self.expectError(.nonFinite, TestScenes.plyBytes(properties: Self.degree0Names, rows: [Self.row, row]))
        row[10] = .infinity
        Self.expectError(.nonFinite, TestScenes.plyBytes(properties: Self.degree0Names, rows: [row]))
    }

    @Test func asciiIsRejectedClearly() {
        Self.expectError(.badHeader, TestScenes.plyBytes(format: "ascii", properties: Self.degree0Names, rows: []))
    }

    @Test func malformedHeadersAreRejected() {
        Self.expectError(.badHeader, Data("not a ply file at all".utf8))
        Self.expectError(.badHeader, Data("plx\nformat binary_little_endian 1.0\nend_header\n".utf8))
        Self.expectError(.badHeader, Data("ply\nformat binary_little_endian 1.0\nelement face 0\nend_header\n".utf8))
        Self.expectError(.badHeader, Data("ply\nelement vertex 1\nproperty float x\nend_header\n".utf8))
        Self.expectError(.badHeader, Data("ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty half x\nend_header\n".utf8))
        Self.expectError(.badHeader, Data("ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty list uchar int i\nend_header\n".utf8))
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: RendererError(.io, "cannot read '/nonexistent/x.ply'")) { try GaussianScene(contentsOfPLY: "/nonexistent/x.ply") }
    }

    @Test func sceneInitValidatesSizesAndValues() {
        #expect(throws: RendererError.self) { try GaussianScene(shDegree: 4) }
        #expect(throws: RendererError.self) {
            try GaussianScene(shDegree: 0, positions: [0, 0], logScales: [0, 0, 0], rotations: [1, 0, 0, 0], opacityLogits: [0], sh: [0, 0, 0])
        }
        #expect(throws: RendererError.self) {
            try GaussianScene(
                shDegree: 0, positions: [0, 0, .nan], logScales: [0, 0, 0], rotations: [1, 0, 0, 0], opacityLogits: [0], sh: [0, 0, 0])
        }
    }

    @Test func subsetAndDegreeChangeKeepValues() throws {
        let scene = TestScenes.random(count: 6, shDegree: 2, seed: 5)
        let picked = scene.subset([4, 1])
        #expect(picked[0] == scene[4] && picked[1] == scene[1])
        let dc = try scene.withSHDegree(0)
        #expect(dc[3].sh == [scene[3].sh[0]])
        let up = try dc.withSHDegree(3)
        #expect(up[3].sh.count == 16 && up[3].sh[0] == scene[3].sh[0] && up[3].sh[1...].allSatisfy { $0 == .zero })
    }
}
