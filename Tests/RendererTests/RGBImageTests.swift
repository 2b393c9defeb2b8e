import Renderer
import Testing

@Suite struct RGBImageTests {
    @Test func subscriptAddressesInterleavedRowMajorStorage() {
        var image = RGBImage(width: 3, height: 2, fill: SIMD3(0.1, 0.2, 0.3))
        image[2, 1] = SIMD3(1, 0.5, 0.25)
        #expect(Array(image.pixels[15..<18]) == [1, 0.5, 0.25])
        #expect(image[0, 0] == SIMD3(0.1, 0.2, 0.3))
        #expect(image[2, 1] == SIMD3(1, 0.5, 0.25))
    }
}
