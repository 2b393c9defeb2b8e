import Foundation
import NIOCore
import Protocol
import Renderer
import SlotModel
import Testing

@testable import EdgeServer

@Suite("Mixed-reality frames composed on request")
struct MixedRealityBoardTests {
    static let world = try! SlotWorld(seed: 3, gaussianCount: 2000, smallFraction: 0.2)
    static let size = ImageSize(width: 32, height: 24)!
    /// A pose inside the world looking along +x, where the virtual layer covers part of the view.
    static let pose = Pose(camera: try! Camera.lookAt(eye: SIMD3(-4, 0, 1.5), target: SIMD3(4, 0, 1), intrinsics: size.intrinsics))

    /// An uploaded camera image of one colour, so its pixels are recognisable in the MR frame.
    static func upload(slot: UInt64, colour: SIMD3<Float>) throws -> CapturedImage {
        let png = try RGBImage(width: size.width, height: size.height, fill: colour).pngData()
        return CapturedImage(
            kind: .mrFrame, sequence: slot, pose: pose,
            image: EncodedImage(width: UInt16(size.width), height: UInt16(size.height), encoding: .png, bytes: ByteBuffer(bytes: png)))
    }

    /// The frame the board must produce, computed from GSMR eq. 1 directly.
    static func expected(real: RGBImage) throws -> RGBImage {
        let camera = try pose.camera(intrinsics: size.intrinsics)
        let layer = world.world.virtualLayer(camera: camera, rasterizer: GaussianRasterizer())
        // The pose looks at the virtual box: both branches of the composition are exercised.
        #expect(layer.mask.contains(0) && layer.mask.contains(1))
        var out = real
        for i in layer.mask.indices {
            for c in 0..<3 { out.pixels[3 * i + c] = layer.mask[i] == 1 ? real.pixels[3 * i + c] : layer.image.pixels[3 * i + c] }
        }
        return out
    }

    static func memoryRender() throws -> RGBImage {
        GaussianRasterizer().render(world.large, camera: try pose.camera(intrinsics: size.intrinsics), options: RenderOptions(threads: 1))
    }

    @Test func refusesBeforeTheSlotLoopAndForUnknownRobots() {
        let board = MixedRealityBoard(renderSize: Self.size)
        #expect(throws: MixedRealityError.self) { try board.compose(clientID: "r") }
        board.attach(Self.world)
        do {
            _ = try board.compose(clientID: "r")
            Issue.record("an unknown robot must be refused")
        } catch {
            #expect(error.code == .unknownRobot)
        }
    }

    @Test func poseOnlySlotShowsTheGSRenderUnderTheVirtualLayer() throws {
        let board = MixedRealityBoard(renderSize: Self.size)
        board.attach(Self.world)
        board.record(clientID: "r", .init(slot: 7, pose: Self.pose, uploadsImage: false))
        let frame = try board.compose(clientID: "r")
        #expect(frame.source == .render && frame.slot == 7)
        let expected = try Self.expected(real: try Self.memoryRender())
        #expect(try ImageMetrics.l1(frame.image, expected) < 1e-6)
    }

    @Test func imageSlotShowsTheUploadOnceItArrivesAndTheLastKnownSlotBefore() throws {
        let board = MixedRealityBoard(renderSize: Self.size)
        board.attach(Self.world)
        board.record(clientID: "r", .init(slot: 4, pose: Self.pose, uploadsImage: false))
        board.record(clientID: "r", .init(slot: 5, pose: Self.pose, uploadsImage: true))
        // Slot 5's image is still on its way: the newest known content is slot 4's render.
        var frame = try board.compose(clientID: "r")
        #expect(frame.source == .render && frame.slot == 4)
        // An image of another slot does not stand in for slot 5's.
        board.observe(clientID: "r", image: try Self.upload(slot: 3, colour: SIMD3(1, 0, 0)))
        #expect(try board.compose(clientID: "r").slot == 4)
        board.observe(clientID: "r", image: try Self.upload(slot: 5, colour: SIMD3(0, 0.5, 1)))
        frame = try board.compose(clientID: "r")
        #expect(frame.source == .image && frame.slot == 5)
        let real = RGBImage(width: Self.size.width, height: Self.size.height, fill: SIMD3(0, 128.0 / 255, 1))
        #expect(try ImageMetrics.l1(frame.image, try Self.expected(real: real)) < 1e-6)
    }

    @Test func routeServesThePNGWithItsSourceAndNeedsTheToken() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.http()
        #expect(try await client.request(.GET, "/v1/robots/r/mr").status == 503)
        daemon.server.mixedReality.attach(Self.world)
        #expect(try await client.request(.GET, "/v1/robots/r/mr").status == 404)
        daemon.server.mixedReality.record(clientID: "r", .init(slot: 2, pose: Self.pose, uploadsImage: false))
        let response = try await client.request(.GET, "/v1/robots/r/mr")
        #expect(response.status == 200)
        #expect(response.headers.first(name: "content-type") == "image/png")
        #expect(response.headers.first(name: "splatedge-mr-source") == "render")
        #expect(response.headers.first(name: "splatedge-slot") == "2")
        let image = try RGBImage(pngData: Data(response.body.readableBytesView))
        let configured = daemon.server.configuration.slotLoop.mixedRealitySize  // gsmr.mr_size
        #expect(image.width == configured.width && image.height == configured.height)
        let anonymous = try await daemon.http(token: nil)
        #expect(try await anonymous.request(.GET, "/v1/robots/r/mr").status == 401)
        await client.close()
        await anonymous.close()
        try await daemon.stop()
    }
}
