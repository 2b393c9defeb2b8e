/// Greedy moves by value per watt that turn a near-feasible binary decision into a feasible,
/// maximal one. Used to finish APO's and Rounding's relaxed points and to repair BILS's start.
enum GreedyCompletion {
    /// Drops images, cheapest loss per watt first (smallest `L_t / increment_t`), until
    /// `Σ_t (x_t ? image_t : pose_t) ≤ budget`.
    static func repair(
        _ x: inout [Bool], losses: [Double], pose: [Double], image: [Double], budget: Double
    ) {
        var spent = 0.0
        for t in x.indices { spent += x[t] ? image[t] : pose[t] }
        guard spent > budget else { return }
        let images = x.indices.filter { x[$0] }.sorted {
            losses[$0] / (image[$0] - pose[$0]) < losses[$1] / (image[$1] - pose[$1])
        }
        for t in images where spent > budget {
            x[t] = false
            spent -= image[t] - pose[t]
        }
    }

    /// Adds images, best loss per watt first, wherever they still fit in `budget`.
    static func fill(
        _ x: inout [Bool], losses: [Double], pose: [Double], image: [Double], budget: Double
    ) {
        var spent = 0.0
        for t in x.indices { spent += x[t] ? image[t] : pose[t] }
        let poses = x.indices.filter { !x[$0] && losses[$0] > 0 }.sorted {
            losses[$0] / (image[$0] - pose[$0]) > losses[$1] / (image[$1] - pose[$1])
        }
        for t in poses where spent + image[t] - pose[t] <= budget {
            x[t] = true
            spent += image[t] - pose[t]
        }
    }
}
