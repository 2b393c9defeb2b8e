import Cluster
import Foundation
import Protocol

/// The body of `POST /v1/sync` (daemon to daemon): the state one replica of a space sends the
/// others (SCC's synchronisation between the MECs caching a space, t^sy/e^sy in SPEC §5): the
/// poses of the users in that space whose local edge is the sender.
struct SpaceSyncMessage: Codable, Sendable, Equatable {
    /// One user's latest pose: px, py, pz, qx, qy, qz, qw.
    struct Entry: Codable, Sendable, Equatable {
        var user: String
        var pose: [Double]
    }

    /// The sending member.
    var from: String
    var space: Int
    var poses: [Entry]

    /// Whether every pose is 7 finite numbers within ±100 km, as a POSE is checked where it enters.
    var isValid: Bool {
        space >= 0
            && poses.allSatisfy { entry in
                entry.pose.count == 7 && entry.pose.allSatisfy(\.isFinite)
                    && entry.pose[0..<3].allSatisfy { abs($0) <= Pose.maxCoordinateMetres }
            }
    }

    /// What `member` sends under `placement`: for every space it caches together with other
    /// members, one message to each other replica with the poses of its users now in that space
    /// (`spaceOf` maps a pose to its space). A space with no user here still sends its (empty)
    /// state: the model charges t^sy for every pair of replicas.
    static func outgoing(
        placement: Placement, member: String, poses: [String: Pose], spaceOf: (Pose) -> Int
    ) -> [(to: String, message: SpaceSyncMessage)] {
        var result: [(to: String, message: SpaceSyncMessage)] = []
        for (space, replicas) in placement.caches.sorted(by: { $0.key < $1.key }) where replicas.contains(member) && replicas.count > 1 {
            let entries = poses.filter { spaceOf($0.value) == space }.sorted { $0.key < $1.key }.map { user, pose in
                Entry(
                    user: user,
                    pose: [
                        pose.position.x, pose.position.y, pose.position.z,
                        pose.orientation.x, pose.orientation.y, pose.orientation.z, pose.orientation.w,
                    ])
            }
            for replica in replicas where replica != member {
                result.append((replica, SpaceSyncMessage(from: member, space: space, poses: entries)))
            }
        }
        return result
    }
}
