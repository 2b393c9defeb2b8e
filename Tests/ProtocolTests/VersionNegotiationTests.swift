import Protocol
import Testing

@Suite struct VersionNegotiationTests {
    @Test func highestCommonVersionIsChosen() throws {
        #expect(try ProtocolVersion.negotiate(offered: 1...3, supported: 1...1) == 1)
        #expect(try ProtocolVersion.negotiate(offered: 2...5, supported: 1...3) == 3)
        #expect(try ProtocolVersion.negotiate(offered: 1...9, supported: 4...6) == 6)
        #expect(try Hello(role: .robot, clientID: "r", token: "").negotiatedVersion() == ProtocolVersion.implemented.upperBound)
    }

    @Test func disjointRangesAreAVersionMismatch() {
        for (offered, supported) in [(4...6, 1...3), (1...1, 2...3)] as [(ClosedRange<UInt8>, ClosedRange<UInt8>)] {
            #expect {
                try ProtocolVersion.negotiate(offered: offered, supported: supported)
            } throws: { ($0 as? ProtocolError)?.code == .versionMismatch }
        }
        let future = Hello(minVersion: 7, maxVersion: 9, role: .collector, clientID: "c", token: "")
        #expect(throws: ProtocolError.self) { try future.negotiatedVersion() }
    }

    @Test func negotiationAgreesWithSetIntersectionOnAllSmallRanges() {
        // Independent check: the maximum of the explicit intersection of the two sets.
        let ranges = (UInt8(1)...6).flatMap { low in (low...6).map { low...$0 } }
        for offered in ranges {
            for supported in ranges {
                let common = Set(offered).intersection(Set(supported)).max()
                let chosen = try? ProtocolVersion.negotiate(offered: offered, supported: supported)
                #expect(chosen == common, "offered \(offered), supported \(supported)")
            }
        }
    }
}
