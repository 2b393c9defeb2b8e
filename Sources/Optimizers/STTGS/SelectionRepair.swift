/// Turns any candidate client set into a feasible one with minimal powers: drop clients
/// (least valuable first) until the set passes the minimal-power test, then add the
/// remaining clients in decreasing π̃ order whenever the set stays feasible.
///
/// Used by PAMM's final binarisation and by baselines whose own allocation may fail; the
/// output always satisfies every constraint of P2 because its powers are the closed-form
/// minimal vector of a set that passed the test.
public enum SelectionRepair {
    /// Swap local search from a feasible selection: try replacing each member by each
    /// outsider (then filling greedily), accept the first change that raises Σxπ̃, repeat until
    /// no swap helps or `maxPasses` passes ran. Every visited set passes the minimal-power test.
    public static func improveBySwaps(
        _ start: (x: [Int], powers: [Double]), in problem: STTGSStageTwo, maxPasses: Int
    ) -> (x: [Int], powers: [Double]) {
        var best = start
        var bestValue = problem.objective(start.x)
        for _ in 0..<maxPasses {
            var improved = false
            search: for member in STTGSStageTwo.members(best.x) {
                for outsider in best.x.indices where best.x[outsider] == 0 && problem.instance.predictedLoss[outsider] > 0 {
                    var candidate = best.x
                    candidate[member] = 0
                    candidate[outsider] = 1
                    guard problem.minimalPowers(for: STTGSStageTwo.members(candidate)) != nil else { continue }
                    let filled = repair(candidate, in: problem)
                    let value = problem.objective(filled.x)
                    if value > bestValue * (1 + 1e-12) {
                        best = filled
                        bestValue = value
                        improved = true
                        break search
                    }
                }
            }
            if !improved { break }
        }
        return best
    }

    /// The repaired selection and its minimal powers.
    public static func repair(_ candidate: [Int], in problem: STTGSStageTwo, fill: Bool = true) -> (x: [Int], powers: [Double]) {
        let values = problem.instance.predictedLoss
        var members = STTGSStageTwo.members(candidate).sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        var powers = problem.minimalPowers(for: members)
        while powers == nil {
            members.removeLast()
            powers = problem.minimalPowers(for: members)
        }
        if fill {
            let outside = (0..<problem.clientCount)
                .filter { !members.contains($0) && values[$0] > 0 }
                .sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            for client in outside {
                if let grown = problem.minimalPowers(for: members + [client]) {
                    members.append(client)
                    powers = grown
                }
            }
        }
        var x = [Int](repeating: 0, count: problem.clientCount)
        for member in members { x[member] = 1 }
        return (x, powers!)
    }
}
