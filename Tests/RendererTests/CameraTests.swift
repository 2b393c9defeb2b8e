import Foundation
import Renderer
import Testing

@Suite struct CameraTests {
    static let intrinsics = Camera.Intrinsics(width: 64, height: 48, fx: 50, fy: 55, cx: 30, cy: 20)

    @Test func lookAtPutsTargetOnPrincipalAxisWithUpUp() throws {
        let camera = try Camera.lookAt(eye: SIMD3(1, 2, 3), target: SIMD3(4, -2, 3), up: SIMD3(0, 0, 1), intrinsics: Self.intrinsics)
        let target = camera.toCamera(SIMD3(4, -2, 3))
        #expect(abs(target.x) < 1e-5 && abs(target.y) < 1e-5 && abs(target.z - 5) < 1e-5)
        // A point above the target appears higher in the image: smaller y (OpenCV +y down).
        #expect(camera.toCamera(SIMD3(4, -2, 4)).y < -0.5)
        #expect(simd_distance(camera.position, SIMD3(1, 2, 3)) < 1e-5)
    }

    @Test func quaternionPoseMatchesLookAt() throws {
        // Camera looking along world +x with world +z up: camera axes x→−y, y→−z, z→+x.
        let lookAt = try Camera.lookAt(eye: SIMD3(0, 0, 1), target: SIMD3(5, 0, 1), intrinsics: Self.intrinsics)
        // Camera-to-world matrix columns (0,−1,0), (0,0,−1), (1,0,0): quaternion w = 0.5, x = −0.5, y = 0.5, z = −0.5.
        let posed = try Camera(position: SIMD3(0, 0, 1), orientation: SIMD4(0.5, -0.5, 0.5, -0.5), intrinsics: Self.intrinsics)
        for p in [SIMD3<Float>(3, 1, 2), SIMD3(-1, 4, 0.5)] {
            #expect(simd_distance(lookAt.toCamera(p), posed.toCamera(p)) < 1e-5)
        }
    }

    @Test func jsonRoundTripAndFlatMatrix() throws {
        let camera = try Camera.lookAt(eye: SIMD3(1, 2, 3), target: SIMD3(0, 0, 0), intrinsics: Self.intrinsics)
        #expect(try Camera(jsonData: camera.jsonData()) == camera)
        let flat = #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[1,0,0,0.5, 0,1,0,0, 0,0,1,2, 0,0,0,1]}"#
        let parsed = try Camera(jsonData: Data(flat.utf8))
        #expect(parsed.translation == SIMD3(0.5, 0, 2))
        #expect(parsed.position == SIMD3(-0.5, 0, -2))
    }

    @Test(arguments: [
        #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5}"#,
        #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[1,0,0,0],[0,1,0,0],[0,0,1,0]]}"#,
        #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[2,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}"#,
        #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[-1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}"#,
        #"{"width":4,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,1,1]]}"#,
        #"{"width":0,"height":3,"fx":2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}"#,
        #"{"width":4,"height":3,"fx":-2,"fy":2,"cx":2,"cy":1.5,"world_to_camera":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]}"#,
        #"not json"#,
    ])
    func invalidCameraJSONIsRejected(json: String) {
        #expect(throws: RendererError.self) { try Camera(jsonData: Data(json.utf8)) }
    }

    @Test func degenerateLookAtIsRejected() {
        #expect(throws: RendererError.self) { try Camera.lookAt(eye: .zero, target: .zero, intrinsics: Self.intrinsics) }
        #expect(throws: RendererError.self) { try Camera.lookAt(eye: .zero, target: SIMD3(0, 0, 2), intrinsics: Self.intrinsics) }
    }
}

func simd_distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { ((a - b) * (a - b)).sum().squareRoot() }
