import Testing
import Wireless

@Suite struct UnitsTests {
    @Test(arguments: [(30.0, 1.0), (0.0, 1e-3), (-60.0, 1e-9), (-100.0, 1e-13), (23.0, 0.19952623149688797)])
    func dBmToWatts(dBm: Double, watts: Double) {
        #expect(abs(Units.watts(fromDBm: dBm) / watts - 1) < 1e-12)
        #expect(abs(Units.dBm(fromWatts: watts) - dBm) < 1e-9)
    }

    @Test(arguments: [(-30.0, 1e-3), (0.0, 1.0), (30.0, 1000.0), (3.0, 1.9952623149688795)])
    func dBToRatio(dB: Double, ratio: Double) {
        #expect(abs(Units.ratio(fromDB: dB) / ratio - 1) < 1e-12)
        #expect(abs(Units.dB(fromRatio: ratio) - dB) < 1e-9)
    }
}
