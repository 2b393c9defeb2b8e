extension Knapsack {
    /// Dynamic programming over an expanding core (after Pisinger's minknap), for items
    /// sorted by decreasing efficiency e = v/w.
    ///
    /// Start from the break solution (the longest efficiency-ordered prefix that fits). A state
    /// is a complete 0/1 vector that agrees with the break solution outside the core
    /// `s+1 ..< t`: items left of the core are in, items right of it out. Each step widens the
    /// core by one item (alternately t on the right, which may be added, and s on the left,
    /// which may be removed), so the states double; then
    ///
    /// - dominated states go: state a dominates b when w(a) ≤ w(b), v(a) ≥ v(b) (and, under a
    ///   cardinality limit, |a| ≤ |b|) — every completion of b is matched by a better one of a;
    /// - states that cannot beat the incumbent go, by the Dembo–Hammer bound: a state with
    ///   room left can only gain through items right of the core, at most e_t per unit of
    ///   weight, so `v + (C − w)·e_t`; an overfull state must shed ≥ w − C weight from items
    ///   left of the core, losing at least e_s per unit, so `v − (w − C)·e_s`.
    ///
    /// When no state is left, the incumbent is optimal; far-from-break items are never
    /// enumerated, which is the variable fixing a branch and bound would need separately.
    /// Near-ties, which make branch and bound explode (nearly equal weights), collapse under
    /// dominance: equivalent partial selections become one state.
    struct ExpandingCore {
        /// Efficiency `v/w`, +∞ for weightless items.
        static func efficiency(value: Double, weight: Double) -> Double {
            weight > 0 ? value / weight : .infinity
        }

        /// A candidate solution: the break solution with the items of its trail flipped.
        struct State {
            var weight: Double
            var value: Double
            var count: Int
            /// Index into `flips` of the last flipped item, −1 for none.
            var trail: Int
        }

        /// One flipped item and the rest of the trail (a persistent linked list, so states
        /// share their history instead of copying decision vectors).
        struct Flip {
            var item: Int
            var previous: Int
        }

        let values: [Double]
        let weights: [Double]
        let efficiencies: [Double]
        let capacity: Double
        let maxItems: Int?
        /// Items `0 ..< breakItem` form the break solution.
        let breakItem: Int
        var flips: [Flip] = []
        var bestValue = 0.0
        var bestTrail = -1
        var nodes = 0

        init(values: [Double], weights: [Double], capacity: Double, maxItems: Int?) {
            self.values = values
            self.weights = weights
            self.efficiencies = values.indices.map { Self.efficiency(value: values[$0], weight: weights[$0]) }
            self.capacity = capacity
            self.maxItems = maxItems
            var item = 0, weight = 0.0
            while item < values.count, item < maxItems ?? values.count, weight + weights[item] <= capacity {
                weight += weights[item]
                item += 1
            }
            breakItem = item
        }

        /// The best solution found, by position in efficiency order.
        var bestSelection: [Bool] {
            var selection = (0..<values.count).map { $0 < breakItem }
            var link = bestTrail
            while link >= 0 {
                selection[flips[link].item].toggle()
                link = flips[link].previous
            }
            return selection
        }

        /// Runs the search; returns whether optimality was proven within `nodeLimit` nodes.
        mutating func run(nodeLimit: Int) -> Bool {
            let n = values.count
            var start = State(weight: 0, value: 0, count: breakItem, trail: -1)
            for item in 0..<breakItem {
                start.weight += weights[item]
                start.value += values[item]
            }
            bestValue = start.value
            completeGreedily(start)
            var states = [start]
            var left = breakItem - 1, right = breakItem
            while !states.isEmpty, left >= 0 || right < n {
                if right < n {
                    right += 1
                    states = widen(states, flipping: right - 1, adding: true, left: left, right: right)
                }
                if left >= 0, !states.isEmpty {
                    left -= 1
                    states = widen(states, flipping: left + 1, adding: false, left: left, right: right)
                }
                if nodes > nodeLimit { return false }
            }
            return true
        }

        /// A first incumbent: the break solution plus every later item that still fits.
        mutating func completeGreedily(_ start: State) {
            var state = start
            for item in breakItem..<values.count
            where state.weight + weights[item] <= capacity && state.count < maxItems ?? values.count {
                state.weight += weights[item]
                state.value += values[item]
                state.count += 1
                flips.append(Flip(item: item, previous: state.trail))
                state.trail = flips.count - 1
            }
            if state.value > bestValue {
                bestValue = state.value
                bestTrail = state.trail
            }
        }

        /// The states after deciding `item` both ways, undominated and promising; `left` and
        /// `right` are the core's new ends (items ≤ left are in, items ≥ right out).
        mutating func widen(_ states: [State], flipping item: Int, adding: Bool, left: Int, right: Int) -> [State] {
            let sign = adding ? 1.0 : -1.0
            let flipped = states.map {
                State(
                    weight: $0.weight + sign * weights[item], value: $0.value + sign * values[item],
                    count: $0.count + (adding ? 1 : -1), trail: $0.trail)
            }
            var dominance = Dominance(countAware: maxItems != nil, items: values.count)
            var kept: [State] = []
            kept.reserveCapacity(2 * states.count)
            var i = 0, j = 0
            // Merge the two weight-sorted lists, keeping the result sorted by weight.
            while i < states.count || j < flipped.count {
                let takeFlipped = i == states.count || (j < flipped.count && flipped[j].weight < states[i].weight)
                var state = takeFlipped ? flipped[j] : states[i]
                if takeFlipped { j += 1 } else { i += 1 }
                nodes += 1
                guard !dominance.isDominated(state) else { continue }
                let improves =
                    state.weight <= capacity && state.count <= maxItems ?? values.count
                    && state.value > bestValue
                let promising = upperBound(state, left: left, right: right) > bestValue * (1 + 1e-13)
                guard improves || promising else { continue }
                if takeFlipped {
                    flips.append(Flip(item: item, previous: state.trail))
                    state.trail = flips.count - 1
                }
                if improves {
                    bestValue = state.value
                    bestTrail = state.trail
                }
                if promising {
                    dominance.record(state)
                    kept.append(state)
                }
            }
            return kept
        }

        /// Dembo–Hammer bound on every completion of `state` that flips only items ≤ left
        /// (out) or ≥ right (in).
        func upperBound(_ state: State, left: Int, right: Int) -> Double {
            if state.weight <= capacity {
                guard right < values.count else { return state.value }
                let room = capacity - state.weight
                return room > 0 ? state.value + room * efficiencies[right] : state.value
            }
            // Overfull: only removing items left of the core can make it feasible.
            guard left >= 0 else { return -.infinity }
            return state.value - (state.weight - capacity) * efficiencies[left]
        }
    }

    /// Dominance among the states of one widening step, visited in increasing weight: a state
    /// is dominated when an earlier one (no heavier) is worth at least as much — and, with a
    /// cardinality limit, has no more items.
    struct Dominance {
        /// Without a cardinality limit only `bestUpTo[0]` is used.
        var bestUpTo: [Double]
        let countAware: Bool

        init(countAware: Bool, items: Int) {
            self.countAware = countAware
            bestUpTo = [Double](repeating: -.infinity, count: countAware ? items + 1 : 1)
        }

        func isDominated(_ state: ExpandingCore.State) -> Bool {
            bestUpTo[countAware ? state.count : 0] >= state.value
        }

        /// Raises the best value reachable with `state.count` or more items.
        mutating func record(_ state: ExpandingCore.State) {
            var count = countAware ? state.count : 0
            while count < bestUpTo.count, bestUpTo[count] < state.value {
                bestUpTo[count] = state.value
                count += 1
            }
        }
    }
}
