import Protocol
import Renderer
import SlotModel
import Testing

/// Pose ↔ camera: the quaternion extracted from a look-at camera rebuilds the same camera
/// (rotation rows and position), in every branch of Shepperd's method.
struct PoseCameraTests {
    static let targets: [SIMD3<Float>] = [
        SIMD3(5, 0, 1), SIMD3(-5, 0.1, 1), SIMD3(0, 5, 1), SIMD3(0, -5, 1.5), SIMD3(3, 3, -2), SIMD3(-1, -4, 4),
    ]

    @Test(arguments: targets)
    func roundTrip(target: SIMD3<Float>) throws {
        let intrinsics = ImageSize(width: 32, height: 24)!.intrinsics
        let eye = SIMD3<Float>(1, -2, 1.2)
        let camera = try Camera.lookAt(eye: eye, target: target, intrinsics: intrinsics)
        let rebuilt = try Pose(camera: camera).camera(intrinsics: intrinsics)
        let pairs = [(camera.rotation.0, rebuilt.rotation.0), (camera.rotation.1, rebuilt.rotation.1), (camera.rotation.2, rebuilt.rotation.2)]
        for (a, b) in pairs { #expect(((a - b) * (a - b)).sum() < 1e-10) }
        #expect(((camera.position - rebuilt.position) * (camera.position - rebuilt.position)).sum() < 1e-10)
    }

    @Test func imageSizeParsing() {
        #expect(ImageSize("64x48") == ImageSize(width: 64, height: 48))
        #expect(ImageSize("64") == nil)
        #expect(ImageSize("0x48") == nil)
        #expect(ImageSize("axb") == nil)
    }
}
