import SeededRandom
import Testing

@testable import EdgeServer

/// EDF against every order: list scheduling of equal-length renders on two workers, where a
/// FRAME's lateness is its ready time + airtime − T_max.
@Suite struct FrameRenderOrderTests {
    static func worstLateness(order: [Int], airtimes: [Double], render: Double, workers: Int, budget: Double) -> Double {
        var free = [Double](repeating: 0, count: workers)
        var worst = -Double.infinity
        for k in order {
            let worker = free.indices.min { free[$0] < free[$1] }!
            free[worker] += render
            worst = max(worst, free[worker] + airtimes[k] - budget)
        }
        return worst
    }

    static func permutations(_ items: [Int]) -> [[Int]] {
        guard let first = items.first else { return [[]] }
        return permutations(Array(items.dropFirst())).flatMap { rest in
            (0...rest.count).map { i in
                var p = rest; p.insert(first, at: i); return p
            }
        }
    }

    @Test(arguments: 0..<40)
    func edfMinimisesTheWorstLateness(seed: UInt64) {
        var generator = SeededGenerator(seed: seed, stream: 0xED_F, index: 0)
        let count = 1 + Int(seed % 6)
        let airtimes = (0..<count).map { _ in generator.nextUniform(in: 0.02..<0.08) }
        let render = generator.nextUniform(in: 0.005..<0.03)
        let edf = FrameRenderOrder.earliestDeadlineFirst(airtimes: airtimes)
        #expect(edf.sorted() == Array(0..<count))
        let best = Self.permutations(Array(0..<count))
            .map { Self.worstLateness(order: $0, airtimes: airtimes, render: render, workers: 2, budget: 0.1) }.min()!
        let achieved = Self.worstLateness(order: edf, airtimes: airtimes, render: render, workers: 2, budget: 0.1)
        #expect(abs(achieved - best) < 1e-12)
    }

    /// Five FRAMEs of 20 ms on two workers, T_max = 100 ms: in index order the two slow-link
    /// users wait for the second and third rounds and miss; EDF serves them first and nobody does.
    @Test func slowLinksFirstAvoidsTheMisses() {
        let airtimes = [0.03, 0.03, 0.03, 0.07, 0.07]
        let late = { (order: [Int]) in
            Self.worstLateness(order: order, airtimes: airtimes, render: 0.02, workers: 2, budget: 0.1)
        }
        #expect(late(Array(0..<5)) > 0.02)
        #expect(late(FrameRenderOrder.earliestDeadlineFirst(airtimes: airtimes)) < 0)
    }

    @Test func tiesKeepPositionOrder() {
        #expect(FrameRenderOrder.earliestDeadlineFirst(airtimes: [0.05, 0.07, 0.05, 0.07]) == [1, 3, 0, 2])
    }
}
