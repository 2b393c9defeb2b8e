import SeededRandom
import Testing
@testable import Optimizers

@Suite("Pareto tools")
struct ParetoTests {
    static func points(_ pairs: [(Double, Double)]) -> [SCCObjectives] {
        pairs.map { SCCObjectives(latency: $0.0, energy: $0.1) }
    }

    /// A(1,5) B(2,3) C(4,1) F(2,3) are mutually non-dominated (F equals B); D(3,4) is dominated
    /// only by B and F; E(5,5) by D too.
    @Test func nonDominatedSortingHandCase() {
        let p = Self.points([(1, 5), (2, 3), (4, 1), (3, 4), (5, 5), (2, 3)])
        let fronts = Pareto.fronts(p).map { $0.sorted() }
        #expect(fronts == [[0, 1, 2, 5], [3], [4]])
        #expect(Pareto.nonDominatedIndices(p).sorted() == [0, 1, 2])  // the duplicate once
    }

    /// (0,10) (1,6) (3,3) (10,0): both ranges 10; (1,6) gets 3/10 + 7/10, (3,3) gets 9/10 + 6/10.
    @Test func crowdingDistanceHandCase() {
        let p = Self.points([(3, 3), (0, 10), (10, 0), (1, 6)])
        let d = Pareto.crowdingDistances(p, front: [0, 1, 2, 3])
        #expect(abs(d[0] - 1.5) < 1e-12)
        #expect(d[1] == .infinity && d[2] == .infinity)
        #expect(abs(d[3] - 1.0) < 1e-12)
    }

    /// NSGA-II's survival keeps whole fronts, then the extremes of the cut front.
    @Test func survivalCutsTheLastFrontByCrowding() {
        let p = Self.points([(0, 10), (1, 6), (3, 3), (10, 0), (2, 9), (4, 7), (11, 11)])
        // F1 = first four; F2 = (2,9), (4,7); F3 = (11,11). Five survivors: F1 + one of F2 (both
        // are extremes of F2, so either is right), never (11,11).
        let chosen = NSGA2.survivors(p, count: 5)
        #expect(chosen.count == 5 && Set(chosen).isSuperset(of: [0, 1, 2, 3]) && !chosen.contains(6))
        let four = NSGA2.survivors(Self.points([(0, 10), (1, 6), (3, 3), (10, 0), (5, 5)]), count: 3)
        #expect(Set(four) == [0, 3, 2] || Set(four) == [0, 3, 1])
    }

    /// Two rectangles: (1−0.2)(1−0.6) + (1−0.5)(1−0.3) − (1−0.5)(1−0.6) = 0.47.
    @Test func hypervolumeHandCase() {
        let hv = Pareto.normalisedHypervolume(
            Self.points([(2, 60), (5, 30), (9, 200)]), reference: SCCObjectives(latency: 10, energy: 100))
        #expect(abs(hv - 0.47) < 1e-12)
    }

    /// Area of the union of the boxes [t, 1] × [e, 1] by coordinate compression: an independent
    /// computation of the 2-D hypervolume.
    static func unionArea(_ points: [SCCObjectives]) -> Double {
        let inside = points.filter { $0.latency < 1 && $0.energy < 1 }
        let xs = (inside.map(\.latency) + [1]).sorted(), ys = (inside.map(\.energy) + [1]).sorted()
        var area = 0.0
        for i in 0..<(xs.count - 1) {
            for j in 0..<(ys.count - 1) where inside.contains(where: { $0.latency <= xs[i] && $0.energy <= ys[j] }) {
                area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j])
            }
        }
        return area
    }

    @Test(arguments: 1...20)
    func hypervolumeMatchesUnionOfBoxes(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let p = (0..<Int.random(in: 1...25, using: &generator)).map { _ in
            SCCObjectives(latency: generator.nextUniform(in: 0..<1.2), energy: generator.nextUniform(in: 0..<1.2))
        }
        let hv = Pareto.normalisedHypervolume(p, reference: SCCObjectives(latency: 1, energy: 1))
        #expect(abs(hv - Self.unionArea(p)) < 1e-12)
    }

    @Test func archiveKeepsOnlyNonDominated() {
        var archive = ParetoArchive()
        let added = [
            archive.insert(SCCObjectives(latency: 2, energy: 2), genome: [0]),
            archive.insert(SCCObjectives(latency: 2, energy: 2), genome: [1]),  // equal: covered
            archive.insert(SCCObjectives(latency: 3, energy: 2), genome: [2]),
            archive.insert(SCCObjectives(latency: 1, energy: 3), genome: [3]),
            archive.insert(SCCObjectives(latency: 1, energy: 1), genome: [4]),  // dominates both
        ]
        #expect(added == [true, false, false, true, true])
        #expect(archive.points == [SCCObjectives(latency: 1, energy: 1)] && archive.genomes == [[4]])
    }
}
