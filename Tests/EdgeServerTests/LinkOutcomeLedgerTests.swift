import Protocol
import Testing

@testable import EdgeServer

/// The daemon's scheduled-vs-achieved counts come from the running counts clients report.
@Suite struct LinkOutcomeLedgerTests {
    static func client(_ id: UInt64, _ role: SessionRole, transmissions: UInt32, outages: UInt32) -> SlotSnapshot.Client {
        SlotSnapshot.Client(
            sessionID: id, clientID: "c\(id)", linkID: UInt32(id), role: role,
            channel: ChannelReport(slot: 0, snrDecibels: 0, gain: 1, transmissions: transmissions, outages: outages))
    }

    @Test("increments per role; restarts count from zero; outages never exceed transmissions; gone sessions forgotten")
    func increments() {
        var ledger = LinkOutcomeLedger()
        let first = ledger.observe(
            SlotSnapshot(
                slot: 0,
                clients: [
                    Self.client(1, .robot, transmissions: 10, outages: 2), Self.client(2, .robot, transmissions: 4, outages: 0),
                    Self.client(3, .user, transmissions: 3, outages: 1),
                ]))
        #expect(first[.robot] == .init(transmissions: 14, outages: 2))
        #expect(first[.user] == .init(transmissions: 3, outages: 1))
        // Robot 1 sent 5 more (1 lost); robot 2 started over at 1; the user claims more outages
        // than transmissions (counted as 5 of 5).
        let second = ledger.observe(
            SlotSnapshot(
                slot: 1,
                clients: [
                    Self.client(1, .robot, transmissions: 15, outages: 3), Self.client(2, .robot, transmissions: 1, outages: 0),
                    Self.client(3, .user, transmissions: 5, outages: 9),
                ]))
        #expect(second[.robot] == .init(transmissions: 6, outages: 1))
        #expect(second[.user] == .init(transmissions: 2, outages: 4))
        // Robot 1 left and came back with the same session id: its counts start over.
        _ = ledger.observe(SlotSnapshot(slot: 2, clients: []))
        let third = ledger.observe(SlotSnapshot(slot: 3, clients: [Self.client(1, .robot, transmissions: 15, outages: 3)]))
        #expect(third[.robot] == .init(transmissions: 15, outages: 3))
        #expect(
            ledger.observe(SlotSnapshot(slot: 4, clients: [Self.client(1, .robot, transmissions: 15, outages: 3)]))[.robot]
                == .init())
    }
}
