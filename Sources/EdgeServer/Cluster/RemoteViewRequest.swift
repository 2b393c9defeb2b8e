import Foundation
import Protocol
import SlotModel

/// The body of `POST /v1/views` (daemon to daemon): render `user`'s view at `pose` for `slot`
/// at `width`×`height`. Validated where it enters, like a POSE: finite, |coordinate| ≤ 100 km,
/// a non-zero quaternion (normalised), an image size in 1…4096.
struct RemoteViewRequest: Codable, Sendable, Equatable {
    var user: String
    var slot: UInt64
    /// px, py, pz, qx, qy, qz, qw.
    var pose: [Double]
    var width: Int
    var height: Int

    init(user: String, slot: UInt64, pose: Pose, size: ImageSize) {
        self.user = user
        self.slot = slot
        self.pose = [
            pose.position.x, pose.position.y, pose.position.z,
            pose.orientation.x, pose.orientation.y, pose.orientation.z, pose.orientation.w,
        ]
        width = size.width
        height = size.height
    }

    /// The request's pose and size, or why it is refused.
    func validated() -> Result<(Pose, ImageSize), ProtocolError> {
        guard pose.count == 7, pose.allSatisfy(\.isFinite) else {
            return .failure(ProtocolError(.invalidValue, "pose must be 7 finite numbers"))
        }
        guard pose[0..<3].allSatisfy({ abs($0) <= Pose.maxCoordinateMetres }) else {
            return .failure(ProtocolError(.invalidValue, "pose.position beyond \(Pose.maxCoordinateMetres) m"))
        }
        guard pose[3..<7].contains(where: { $0 != 0 }) else {
            return .failure(ProtocolError(.invalidValue, "pose.orientation is the zero quaternion"))
        }
        guard let size = ImageSize(width: width, height: height) else {
            return .failure(ProtocolError(.invalidValue, "image size \(width)x\(height) outside 1…4096"))
        }
        let value = Pose(position: SIMD3(pose[0], pose[1], pose[2]), orientation: SIMD4(pose[3], pose[4], pose[5], pose[6]))
        return .success((value.normalized, size))
    }
}
