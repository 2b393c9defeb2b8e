import SeededRandom
import Testing

@testable import EdgeServer

@Suite struct EdgeLatencyEstimateTests {
    struct Slot {
        var start: Double
        var last: Double?
        var frames: Int
    }

    /// After every slot, t_e equals (1 + margin)·max(longest time to a last FRAME, latest render
    /// start + ⌈K_max/W⌉ · median round), over the last `window` slots (rounds: over the last
    /// `window` slots that rendered, the initial round counting until there are that many),
    /// recomputed from the whole history.
    @Test(arguments: [1, 3, 50])
    func isTheWorstCaseOfTheLastWindow(window: Int) {
        var generator = SeededGenerator(seed: UInt64(window), stream: 0xE_7E, index: 0)
        let (margin, maxFrames, workers) = (0.1, 5, 2)
        var estimate = EdgeLatencyEstimate(window: window, margin: margin, workers: workers, initialRound: 0.005)
        var history: [Slot] = []
        for _ in 0..<400 {
            let frames = Int(generator.nextUnit() * 6)
            let start = generator.nextUniform(in: 0.001..<0.005)
            // Occasional spikes, as a preempted render worker produces.
            let round = generator.nextUniform(in: 0.005..<0.012) + (generator.nextUnit() < 0.05 ? 0.02 : 0)
            let slot = Slot(start: start, last: frames > 0 ? start + Double((frames + 1) / 2) * round : nil, frames: frames)
            estimate.observe(renderStart: slot.start, lastFrame: slot.last, frames: slot.frames)
            history.append(slot)

            let recent = history.suffix(window)
            let rendered = history.filter { $0.last != nil }
            // On two workers a lone FRAME renders on both threads: half a round.
            var rounds = rendered.suffix(window).map { ($0.last! - $0.start) / ($0.frames == 1 ? 0.5 : Double(($0.frames + 1) / 2)) }
            if rendered.count < window { rounds.insert(0.005, at: 0) }
            let median = rounds.sorted()[rounds.count / 2]
            let longest = recent.map { $0.last ?? $0.start }.max()!
            let expected = (1 + margin) * max(longest, recent.map(\.start).max()! + 3 * median)
            #expect(abs(estimate.seconds(frames: maxFrames) - expected) < 1e-15)
        }
    }

    /// Slots that served one user (its FRAME split over both workers: half a round) still
    /// predict the three rounds of five FRAMEs on two workers, and the two rounds of three.
    @Test func fewerFramesStillPredictTheFullSlot() {
        var estimate = EdgeLatencyEstimate(window: 10, margin: 0, workers: 2, initialRound: 0.001)
        for _ in 0..<10 { estimate.observe(renderStart: 0.002, lastFrame: 0.010, frames: 1) }
        #expect(abs(estimate.seconds(frames: 5) - (0.002 + 3 * 0.016)) < 1e-15)
        #expect(abs(estimate.seconds(frames: 3) - (0.002 + 2 * 0.016)) < 1e-15)
        #expect(abs(estimate.seconds(frames: 1) - 0.010) < 1e-15)
    }

    /// Rounds follow the render pool's split: ⌊workers / n⌋ threads per FRAME below the workers.
    @Test(arguments: [(1, 4, 0.25), (2, 4, 0.5), (3, 4, 1.0), (4, 4, 1.0), (5, 4, 2.0), (1, 1, 1.0), (3, 1, 3.0)])
    func roundsMatchThePoolsSplit(frames: Int, workers: Int, rounds: Double) {
        let estimate = EdgeLatencyEstimate(window: 1, margin: 0, workers: workers, initialRound: 0.001)
        #expect(estimate.rounds(frames: frames) == rounds)
        #expect(RenderPool(workers: workers).threadsPerRender(jobs: frames) == max(1, workers / frames))
    }

    /// One preempted round is held as the slot's own time, not multiplied by the rounds.
    @Test func aSpikeIsNotScaledByTheRounds() {
        var estimate = EdgeLatencyEstimate(window: 10, margin: 0, workers: 2, initialRound: 0.001)
        for _ in 0..<9 { estimate.observe(renderStart: 0, lastFrame: 0.030, frames: 5) }
        estimate.observe(renderStart: 0, lastFrame: 0.050, frames: 1)
        #expect(abs(estimate.seconds(frames: 5) - 0.050) < 1e-15)
    }

    @Test func aSpikeIsHeldForTheWholeWindow() {
        var estimate = EdgeLatencyEstimate(window: 4, margin: 0.25, workers: 2, initialRound: 0.001)
        estimate.observe(renderStart: 0, lastFrame: 0.08, frames: 2)
        for _ in 0..<3 {
            estimate.observe(renderStart: 0, lastFrame: 0.02, frames: 2)
            #expect(abs(estimate.seconds(frames: 2) - 0.1) < 1e-15)
        }
        estimate.observe(renderStart: 0, lastFrame: 0.02, frames: 2)
        #expect(abs(estimate.seconds(frames: 2) - 0.025) < 1e-15)
    }
}
