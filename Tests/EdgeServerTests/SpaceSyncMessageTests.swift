import Cluster
import Foundation
import NIOCore
import Protocol
import Testing

@testable import EdgeServer

@Suite("Space sync between the replicas of a space")
struct SpaceSyncMessageTests {
    static func pose(_ x: Double) -> Pose { Pose(position: SIMD3(x, 0, 1.6), orientation: SIMD4(0, 0, 0, 1)) }

    static let placement = Placement(
        epoch: 3, leader: "a", solver: "weightgreedy", latencyWeight: 0.5, members: ["a", "b", "c"],
        views: [], caches: [0: ["a", "b", "c"], 1: ["a"], 2: ["b", "c"], 3: ["a", "c"]],
        predictedLatencySeconds: 0, predictedEnergyJoules: 0)

    @Test("each space cached with others goes to every other replica with the poses of the users in it")
    func outgoingFollowsTheCaches() {
        let poses = ["u1": Self.pose(0.5), "u2": Self.pose(3.2), "u3": Self.pose(0.1), "u4": Self.pose(1.5)]
        let space = { (pose: Pose) in Int(pose.position.x.rounded(.down)) }
        let outgoing = SpaceSyncMessage.outgoing(placement: Self.placement, member: "a", poses: poses, spaceOf: space)
        // Space 0 (u1, u3) to b and c; space 1 is a's alone; space 2 is not a's; space 3 (u2) to c.
        #expect(outgoing.map(\.to) == ["b", "c", "c"])
        #expect(outgoing.map(\.message.space) == [0, 0, 3])
        #expect(outgoing[0].message.poses.map(\.user) == ["u1", "u3"] && outgoing[0].message.from == "a")
        #expect(outgoing[2].message.poses == [.init(user: "u2", pose: [3.2, 0, 1.6, 0, 0, 0, 1])])
        // A member holding nothing shared sends nothing.
        #expect(SpaceSyncMessage.outgoing(placement: Self.placement, member: "d", poses: poses, spaceOf: space).isEmpty)
    }

    @Test("the board keeps each sender's latest poses per space and refuses malformed ones")
    func boardStoresValidMessages() throws {
        let board = SpaceSyncBoard()
        let message = SpaceSyncMessage(from: "b", space: 2, poses: [.init(user: "u9", pose: [1, 2, 3, 0, 0, 0, 1])])
        let body = ByteBuffer(bytes: try JSONEncoder().encode(message))
        #expect(board.respond(to: body).status == .ok)
        #expect(board.received.poses[2]?["b"] == message.poses && board.received.messages == 1)
        #expect(board.received.bytes == body.readableBytes)
        let far = SpaceSyncMessage(from: "b", space: 2, poses: [.init(user: "u9", pose: [1e6, 0, 0, 0, 0, 0, 1])])
        #expect(board.respond(to: ByteBuffer(bytes: try JSONEncoder().encode(far))).status == .badRequest)
        #expect(board.respond(to: ByteBuffer(string: "{}")).status == .badRequest)
        #expect(board.received.messages == 1)
    }
}
