import NIOCore
import Protocol
import SlotModel
import Testing

@testable import EdgeServer

/// The slot loop's bounded per-slot work: image observations and Δ probes are served oldest
/// first within their budgets, and nothing is starved.
@Suite struct SlotPlannerBudgetTests {
    static func configuration(observations: Int = 4, probes: Int = 8) -> SlotLoopConfiguration {
        var configuration = SlotLoopConfiguration()
        configuration.observationsPerSlot = observations
        configuration.probesPerSlot = probes
        return configuration
    }

    static func robots(observations: Int) -> RobotsPolicy {
        RobotsPolicy(configuration: configuration(observations: observations), tauSeconds: 0.1)
    }

    static func users(probes: Int) throws -> UsersPolicy {
        try UsersPolicy(configuration: configuration(probes: probes), tauSeconds: 0.1)
    }

    static func robot(_ index: UInt32, uploaded sequence: UInt64) -> SlotSnapshot.Client {
        let session = Session(id: UInt64(index), linkID: index, clientID: "robot-\(index)", role: .robot)
        session.received(
            .image(
                CapturedImage(
                    kind: .mrFrame, sequence: sequence, pose: .identity,
                    image: EncodedImage(width: 1, height: 1, encoding: .png, bytes: ByteBuffer()))))
        return SlotSnapshot(slot: 0, sessions: [session]).clients[0]
    }

    static func pose(x: Double) -> Pose { Pose(position: SIMD3(x, 0, 1.6), orientation: SIMD4(0, 0, 0, 1)) }

    @Test("uploads beyond gsmr.observations_per_slot wait; never-observed robots first, then the longest unobserved")
    func observationsAreBudgetedOldestFirst() throws {
        var planner = Self.robots(observations: 2)
        let ids = { (images: [(sessionID: UInt64, image: CapturedImage)]) in images.map(\.0) }
        #expect(ids(planner.newImages([Self.robot(1, uploaded: 5), Self.robot(2, uploaded: 5), Self.robot(3, uploaded: 5)])) == [1, 2])
        // Same uploads again: only robot 3's is still new.
        #expect(ids(planner.newImages([Self.robot(1, uploaded: 5), Self.robot(2, uploaded: 5), Self.robot(3, uploaded: 5)])) == [3])
        #expect(planner.newImages([Self.robot(1, uploaded: 5), Self.robot(2, uploaded: 5), Self.robot(3, uploaded: 5)]).isEmpty)
        // Everyone uploads again; robot 3 was observed at the same sequence as 1 and 2, so input order breaks the tie.
        #expect(ids(planner.newImages([Self.robot(3, uploaded: 9), Self.robot(2, uploaded: 9), Self.robot(1, uploaded: 9)])) == [3, 2])
        #expect(ids(planner.newImages([Self.robot(3, uploaded: 10), Self.robot(2, uploaded: 10), Self.robot(1, uploaded: 10)])) == [1, 3])
    }

    @Test("at most irac.probes_per_slot users are probed per slot; the others keep their Δ and its age grows")
    func probesAreBudgetedOldestFirst() async throws {
        var planner = try Self.users(probes: 1)
        let world = try SlotWorld(seed: 3, gaussianCount: 1000, smallFraction: 0.2)
        let pool = SlotRenderer(pool: RenderPool(workers: 1), world: world)
        let first = await planner.switchingGains([10, 20], poses: [Self.pose(x: 0), Self.pose(x: 1)], slot: 0, renderer: pool)
        #expect(first[0].ageSlots == 0 && first[0].delta > 0)
        #expect(first[1].ageSlots == nil && first[1].delta == 0)
        // Both moved: user 20 was never probed, so it goes first; user 10 keeps its Δ, one slot older.
        let second = await planner.switchingGains([10, 20], poses: [Self.pose(x: 0.5), Self.pose(x: 1.5)], slot: 1, renderer: pool)
        #expect(second[0].delta == first[0].delta && second[0].ageSlots == 1)
        #expect(second[1].ageSlots == 0 && second[1].delta > 0)
        // A user that did not move is not probed again, so the budget goes to the one that did.
        let third = await planner.switchingGains([10, 20], poses: [Self.pose(x: 0.5), Self.pose(x: 1.5)], slot: 2, renderer: pool)
        #expect(third[0].ageSlots == 0 && third[1].ageSlots == 1)
        // The same pose gives the same Δ (a deterministic render), whoever asks.
        var other = try Self.users(probes: 4)
        let again = await other.switchingGains([99], poses: [Self.pose(x: 0)], slot: 0, renderer: pool)
        #expect(again[0].delta == first[0].delta)
    }
}
