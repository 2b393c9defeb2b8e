import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Protocol
import Renderer
import SlotModel

/// The rendering side of remote views: answers `POST /v1/views` from another edge with the view
/// rendered from this daemon's large model, naming this daemon in `splatedge-rendered-by`.
/// Holds the world once the slot loop has one (``attach(_:)``); answers 503 before.
final class ViewRenderDesk: Sendable {
    /// This daemon's cluster id (empty when not in a cluster).
    let memberID: String
    private let world = NIOLockedValueBox<SlotWorld?>(nil)

    init(memberID: String) {
        self.memberID = memberID
    }

    func attach(_ world: SlotWorld) {
        self.world.withLockedValue { $0 = world }
    }

    /// The answer to one request body.
    func respond(to body: ByteBuffer) -> HTTPResponse {
        guard let world = world.withLockedValue({ $0 }) else { return .text(.serviceUnavailable, "no world to render yet\n") }
        guard let request = try? JSONDecoder().decode(RemoteViewRequest.self, from: Data(body.readableBytesView)) else {
            return HTTPSessionRoutes.errorPayload(
                ProtocolError(.invalidValue, "body is not a view request (JSON user, slot, pose[7], width, height)"), status: .badRequest)
        }
        switch request.validated() {
        case .failure(let error):
            return HTTPSessionRoutes.errorPayload(error, status: .unprocessableEntity)
        case .success(let (pose, size)):
            guard let camera = try? pose.camera(intrinsics: size.intrinsics),
                let png = try? GaussianRasterizer().render(world.large, camera: camera, options: RenderOptions(threads: 1)).pngData()
            else { return HTTPSessionRoutes.errorPayload(ProtocolError(.invalidValue, "no camera for this pose"), status: .unprocessableEntity) }
            return HTTPResponse(
                status: .ok, contentType: "image/png", body: ByteBuffer(bytes: png),
                headers: ["splatedge-rendered-by": memberID, "splatedge-slot": String(request.slot)])
        }
    }
}
