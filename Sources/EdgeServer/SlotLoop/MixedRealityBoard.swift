import Foundation
import NIOConcurrencyHelpers
import Protocol
import Renderer
import SlotModel

/// The robots' mixed-reality frames (GSMR eq. 1, `m = d ⊙ r + (1 − d) ⊙ v`), composed on request.
///
/// The slot loop records each robot's decision per slot; ``compose(clientID:)`` builds the MR
/// frame of the newest slot whose content is known: the robot's uploaded image when x = 1 and
/// that slot's IMAGE has arrived, otherwise the render of the edge's GS memory at the slot's pose,
/// with the world's virtual layer on top. Composing on request rather than every slot keeps the
/// slot loop's cost independent of whether anyone watches.
final class MixedRealityBoard: Sendable {
    /// Where a composed frame's real part came from.
    enum Source: String, Sendable {
        /// The robot's uploaded camera image (x = 1).
        case image
        /// The edge's GS render at the robot's pose (x = 0, or the image is still on its way).
        case render
    }

    /// A composed MR frame.
    struct Frame: Sendable {
        var slot: UInt64
        var source: Source
        var image: RGBImage
    }

    /// One robot's decision in one slot.
    struct Decision: Sendable, Equatable {
        var slot: UInt64
        var pose: Pose
        var uploadsImage: Bool
    }

    private struct State {
        var world: SlotWorld?
        var decisions: [String: [Decision]] = [:]
        var images: [String: CapturedImage] = [:]
    }

    /// Decisions kept per robot: the current slot and the previous one, whose image may be the
    /// newest that has arrived.
    private static let decisionsKept = 2
    private let renderSize: ImageSize
    private let state = NIOLockedValueBox(State())

    /// A board rendering at `renderSize` when no uploaded image fixes the size.
    init(renderSize: ImageSize) {
        self.renderSize = renderSize
    }

    /// Makes the board usable: the world the slot loop built.
    func attach(_ world: SlotWorld) {
        state.withLockedValue { $0.world = world }
    }

    /// Records a robot's decision for a slot.
    func record(clientID: String, _ decision: Decision) {
        state.withLockedValue {
            var kept = $0.decisions[clientID, default: []]
            kept.append(decision)
            $0.decisions[clientID] = Array(kept.suffix(Self.decisionsKept))
        }
    }

    /// Records an IMAGE a robot uploaded.
    func observe(clientID: String, image: CapturedImage) {
        state.withLockedValue {
            if image.sequence >= $0.images[clientID]?.sequence ?? 0 { $0.images[clientID] = image }
        }
    }

    /// The MR frame of `clientID`'s newest slot whose content is known.
    func compose(clientID: String) throws(MixedRealityError) -> Frame {
        let (world, decisions, image) = state.withLockedValue { ($0.world, $0.decisions[clientID] ?? [], $0.images[clientID]) }
        guard let world else { throw MixedRealityError(.unavailable, "the slot loop is not running") }
        guard let newest = decisions.last else { throw MixedRealityError(.unknownRobot, "no slot has scheduled robot \(clientID)") }
        let rasterizer = GaussianRasterizer()
        func frame(_ decision: Decision, real: RGBImage?) throws(MixedRealityError) -> Frame {
            let size = real.flatMap { ImageSize(width: $0.width, height: $0.height) } ?? renderSize
            guard let camera = try? decision.pose.camera(intrinsics: size.intrinsics) else {
                throw MixedRealityError(.invalidPose, "robot \(clientID)'s pose in slot \(decision.slot) gives no camera")
            }
            let background = real ?? rasterizer.render(world.large, camera: camera, options: RenderOptions(threads: 1))
            let layer = world.world.virtualLayer(camera: camera, rasterizer: rasterizer)
            guard let composed = try? MixedReality.compose(real: background, layer: layer) else {
                throw MixedRealityError(.invalidPose, "robot \(clientID)'s image does not match its camera")
            }
            return Frame(slot: decision.slot, source: real == nil ? .render : .image, image: composed)
        }
        for decision in decisions.reversed() {
            guard decision.uploadsImage else { return try frame(decision, real: nil) }
            if let image, image.sequence == decision.slot, let real = image.image.pngPixels { return try frame(decision, real: real) }
        }
        return try frame(newest, real: nil)
    }
}

/// Why a mixed-reality frame cannot be composed.
struct MixedRealityError: Error, Sendable, CustomStringConvertible {
    enum Code: String, Sendable {
        case unavailable = "mr_unavailable"
        case unknownRobot = "unknown_robot"
        case invalidPose = "invalid_pose"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code.rawValue): \(message)" }
}
