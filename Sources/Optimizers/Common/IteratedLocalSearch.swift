import SeededRandom

/// Iterated local search over binary decisions: each move flips `flipsPerMove` random entries
/// and is accepted when the result is feasible and not worse (GSMR Algorithm 2's BILS loop and
/// the `search` baselines of every problem).
public struct IteratedLocalSearch: Sendable {
    /// η: entries flipped per move (GSMR: 5).
    public var flipsPerMove: Int
    /// Ī: moves attempted.
    public var iterations: Int
    /// Seed of the move generator, so every run reproduces.
    public var seed: UInt64

    /// A search configuration.
    public init(flipsPerMove: Int = 5, iterations: Int = 1000, seed: UInt64 = 1) {
        self.flipsPerMove = flipsPerMove
        self.iterations = iterations
        self.seed = seed
    }

    /// The best point found and how many moves were accepted.
    public struct Outcome: Sendable {
        /// The final decisions.
        public var x: [Bool]
        /// Their cost (lower is better).
        public var cost: Double
        /// Moves accepted.
        public var accepted: Int
    }

    /// Searches from `start`, which must be feasible. `cost` returns nil for infeasible points.
    public func run(start: [Bool], cost: ([Bool]) -> Double?) throws -> Outcome {
        guard let startCost = cost(start) else {
            throw OptimizerError(.infeasible, "local search: the starting point is infeasible")
        }
        var x = start, current = startCost, accepted = 0
        guard !x.isEmpty else { return Outcome(x: x, cost: current, accepted: 0) }
        var generator = SeededGenerator(seed: seed)
        let flips = min(max(flipsPerMove, 1), x.count)
        for _ in 0..<iterations {
            var candidate = x
            // Partial Fisher–Yates pick of distinct entries: a move flips exactly `flips` of them.
            var positions = Array(candidate.indices)
            for k in 0..<flips {
                let pick = k + Int(generator.next() % UInt64(positions.count - k))
                positions.swapAt(k, pick)
                candidate[positions[k]].toggle()
            }
            if let c = cost(candidate), c <= current {
                x = candidate
                current = c
                accepted += 1
            }
        }
        return Outcome(x: x, cost: current, accepted: accepted)
    }
}
