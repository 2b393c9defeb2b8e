import SeededRandom
import Testing

@testable import EdgeServer

@Suite struct EdgeLatencyEstimateTests {
    /// After every observation t_e equals the maximum of the last `window` values, computed
    /// directly from the whole history (the initial value counts until the window has filled).
    @Test(arguments: [1, 3, 50])
    func isTheMaximumOfTheLastWindow(window: Int) {
        var generator = SeededGenerator(seed: UInt64(window), stream: 0xE_7E, index: 0)
        var estimate = EdgeLatencyEstimate(window: window, margin: 0, initial: 0.005)
        var history = [0.005]
        for _ in 0..<400 {
            // Occasional spikes, as a preempted render worker produces.
            let value = generator.nextUniform(in: 0.01..<0.03) + (generator.nextUnit() < 0.05 ? 0.04 : 0)
            estimate.observe(seconds: value)
            history.append(value)
            let expected = history.count > window ? history.suffix(window).max()! : history.max()!
            #expect(estimate.seconds == expected)
        }
    }

    @Test func aSpikeIsHeldForTheWholeWindow() {
        var estimate = EdgeLatencyEstimate(window: 4, margin: 0.25, initial: 0.005)
        estimate.observe(seconds: 0.08)
        for _ in 0..<3 {
            estimate.observe(seconds: 0.02)
            #expect(estimate.seconds == 0.1)
        }
        estimate.observe(seconds: 0.02)
        #expect(estimate.seconds == 0.025)
    }
}
