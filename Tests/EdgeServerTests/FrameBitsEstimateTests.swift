import SeededRandom
import SlotModel
import Testing

@testable import EdgeServer

@Suite struct FrameBitsEstimateTests {
    /// The smallest of `values` that at least a fraction `q` of them do not exceed, by counting.
    static func bruteForceQuantile(_ values: [Double], _ q: Double) -> Double {
        values.filter { v in Double(values.filter { $0 <= v }.count) >= q * Double(values.count) }.min()!
    }

    /// After every slot, a measured D equals the brute-force quantile of the last `window`
    /// encoded sizes, and the configured D until the first is measured.
    @Test(arguments: [(1, 1.0), (7, 0.9), (50, 1.0), (50, 0.5), (64, 0.95)])
    func measuredIsTheQuantileOfTheLastWindow(window: Int, quantile: Double) {
        var generator = SeededGenerator(seed: UInt64(window), stream: 0xF_B17, index: 0)
        var estimate = FrameBitsEstimate(source: .measured, configuredBits: 16e6, window: window, quantile: quantile)
        #expect(estimate.bits == 16e6)
        var history: [Double] = []
        for _ in 0..<300 {
            // 0–5 FRAMEs a slot, PNG-like sizes with an occasional busy view.
            let sizes = (0..<Int(generator.nextUnit() * 6)).map { _ in
                (generator.nextUniform(in: 2e5..<4e5) + (generator.nextUnit() < 0.05 ? 1e6 : 0)).rounded()
            }
            estimate.observe(encodedBits: sizes)
            history += sizes
            let expected = history.isEmpty ? 16e6 : Self.bruteForceQuantile(Array(history.suffix(window)), quantile)
            #expect(estimate.bits == expected)
            #expect(estimate.measuredFrames == min(history.count, window))
        }
    }

    @Test("a configured D ignores what was encoded")
    func configuredIsConstant() {
        var estimate = FrameBitsEstimate(source: .configured, configuredBits: 16e6, window: 5, quantile: 1)
        estimate.observe(encodedBits: [1e5, 3e7])
        #expect(estimate.bits == 16e6)
        #expect(estimate.measuredFrames == 0)
    }

    @Test("sizes that are no measurement (0, NaN, ∞) are not folded in")
    func ignoresNonSizes() {
        var estimate = FrameBitsEstimate(source: .measured, configuredBits: 16e6, window: 5, quantile: 1)
        estimate.observe(encodedBits: [0, -1, .nan, .infinity])
        #expect(estimate.bits == 16e6)
        estimate.observe(encodedBits: [2e5, 0])
        #expect(estimate.bits == 2e5)
    }

    @Test("the policy plans with the measured D: its airtimes and the IRAC instance")
    func policyPlansWithMeasuredBits() throws {
        var configuration = SlotLoopConfiguration()
        configuration.frameBitsSource = .measured
        var policy = try UsersPolicy(configuration: configuration, tauSeconds: 0.1)
        #expect(policy.frameBits.bits == configuration.frameBits)
        policy.observe(SlotOutcome(renderStartSeconds: 0.001, lastFrameSeconds: 0.02, framesRendered: 2, encodedFrameBits: [3e5, 4e5]))
        #expect(policy.frameBits.bits == 4e5)
    }

    @Test("a FRAME's deadline is checked with the PNG's airtime only when D is measured")
    func airtimeOfTheEncodedFrame() {
        var job = SlotPlan.FrameJob(sessionID: 1, userIndex: 0, pose: .identity, airtimeSeconds: 0.016, rateBitsPerSecond: 1e9)
        #expect(job.airtimeSeconds(encodedBits: 4e5) == 0.016)
        job.airsEncodedBits = true
        #expect(job.airtimeSeconds(encodedBits: 4e5) == 4e5 / 1e9)
        #expect(job.airtimeSeconds(encodedBits: nil) == 0.016)
    }
}
