import Foundation
import Renderer
import Testing

@Suite struct ImageFileTests {
    static func temporaryPath(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("image-\(UUID()).\(ext)").path
    }

    @Test func pngRoundTripQuantisesTo8Bits() throws {
        let image = ImageMetricsTests.randomImage(width: 13, height: 7, seed: 4)
        let data = try image.pngData()
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let back = try RGBImage(pngData: data)
        #expect(back.width == 13 && back.height == 7)
        #expect(zip(back.pixels, image.pixels).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
    }

    /// Uniform noise does not compress, so the PNG is larger than the raw pixels: the one-pass
    /// encoder's preallocated worst case must still hold it, at any shape.
    @Test(arguments: [(1, 1), (128, 96), (641, 3), (3, 700)])
    func incompressibleImagesRoundTrip(width: Int, height: Int) throws {
        let image = ImageMetricsTests.randomImage(width: width, height: height, seed: UInt64(width * 1000 + height))
        let data = try image.pngData()
        #expect(data.count > width * height * 3)
        let back = try RGBImage(pngData: data)
        #expect(back.width == width && back.height == height)
        #expect(zip(back.pixels, image.pixels).allSatisfy { abs($0 - $1) <= 0.5 / 255 + 1e-6 })
    }

    @Test func pngClampsOutOfRangeValues() throws {
        let image = RGBImage(width: 1, height: 1, pixels: [-0.5, 1.7, 0.5])
        let back = try RGBImage(pngData: try image.pngData())
        #expect(back.pixels == [0, 1, 128.0 / 255])
    }

    @Test func npyHasTheNumpyLayout() throws {
        let image = RGBImage(width: 2, height: 3, pixels: (0..<18).map { Float($0) / 4 })
        let data = image.npyData()
        let bytes = [UInt8](data)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 18 * 4)
        // Element (row 1, column 0, channel 2) is value index 8 = 2.0.
        let offset = 10 + headerLength + 8 * 4
        #expect(Array(bytes[offset..<(offset + 4)]) == [0, 0, 0, 0x40])
        #expect(try RGBImage(npyData: data) == image)
    }

    @Test func writeChoosesFormatByExtension() throws {
        let image = RGBImage(width: 3, height: 2, fill: SIMD3(0.25, 0.5, 1))
        for ext in ["png", "npy"] {
            let path = Self.temporaryPath(ext)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try image.write(to: path)
            let back = try RGBImage(contentsOf: path)
            #expect(zip(back.pixels, image.pixels).allSatisfy { abs($0 - $1) < 0.5 / 255 + 1e-6 })
        }
        #expect(throws: RendererError.self) { try image.write(to: Self.temporaryPath("jpg")) }
        #expect(throws: RendererError.self) { try RGBImage(pngData: Data("nope".utf8)) }
        #expect(throws: RendererError.self) { try RGBImage(npyData: Data("nope".utf8)) }
    }

    /// A PNG cut anywhere after its header fails cleanly (libpng's error path through the
    /// simplified API), never with a crash or a half-filled image.
    @Test(arguments: [0.25, 0.5, 0.9])
    func truncatedPNGIsRejected(keptFraction: Double) throws {
        var image = RGBImage(width: 40, height: 30)
        for i in image.pixels.indices { image.pixels[i] = Float((i * 37) % 256) / 255 }
        let png = try image.pngData()
        let cut = png.prefix(max(33, Int(Double(png.count) * keptFraction)))
        #expect(throws: RendererError.self) { try RGBImage(pngData: Data(cut)) }
    }
}
