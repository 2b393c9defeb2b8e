import Wireless

/// The paper's comparison schemes for P2 (§VI: MaxRate, Fairness, Active Learning) and the
/// Unrestricted upper bound. Each picks powers by its own rule; a client is served when its
/// rate under those powers reaches η_k, and clients that are not served stay silent.
public enum STTGSBaselines {
    /// MaxRate: water-filling for the sum rate over the noise-limited gains H_kk with the
    /// total budget P_sum and the cap P_max, every client transmitting; then the clients
    /// whose rate reaches η_k are served.
    public static func maxRate(_ problem: STTGSStageTwo) -> (x: [Int], powers: [Double]) {
        let instance = problem.instance
        let gains = (0..<problem.clientCount).map { instance.gains[$0][$0] }
        return serveWhoMeetsTargets(
            problem,
            powers: cappedWaterFilling(
                gains: gains, noise: instance.noisePower,
                budget: instance.powerSum, cap: instance.powerMax))
    }

    /// Water-filling with a per-user cap: users whose level exceeds the cap are pinned to it
    /// and the rest of the budget is water-filled over the others, until no one exceeds it.
    static func cappedWaterFilling(gains: [Double], noise: Double, budget: Double, cap: Double) -> [Double] {
        var powers = [Double](repeating: 0, count: gains.count)
        var free = Array(gains.indices), left = budget
        while !free.isEmpty {
            let filled = WaterFilling.powers(gains: free.map { gains[$0] }, noise: noise, budget: left)
            let over = free.indices.filter { filled[$0] > cap }
            if over.isEmpty {
                for (i, user) in free.enumerated() { powers[user] = filled[i] }
                break
            }
            for i in over { powers[free[i]] = cap }
            left -= cap * Double(over.count)
            free = free.enumerated().filter { !over.contains($0.offset) }.map(\.element)
        }
        return powers
    }

    /// Fairness: max-min SINR over all clients (Perron–Frobenius). For the sum constraint and
    /// each cap c (Σ c_k p_k ≤ P), the best common SINR is 1/ρ(DF + D u cᵀ/P) with
    /// D = diag(1/H_kk), u = σ²·1; the optimum is the smallest over the constraints, and its
    /// powers are the minimal vector for that common target.
    public static func fairness(_ problem: STTGSStageTwo) throws -> (x: [Int], powers: [Double], commonSINR: Double) {
        let target = try maxMinSINR(problem.instance)
        let everyone = Array(0..<problem.clientCount)
        // Shave the last ulps so the rounding of the eigenvalue cannot break a cap.
        let targets = [Double](repeating: target * (1 - 1e-9), count: problem.clientCount)
        let powers =
            problem.power.positiveSolution(targets: targets, members: everyone)
            ?? [Double](repeating: 0, count: problem.clientCount)
        let served = serveWhoMeetsTargets(problem, powers: powers)
        return (served.x, served.powers, target)
    }

    /// The optimal balanced SINR t* of max-min SINR under P_max and P_sum.
    public static func maxMinSINR(_ instance: STTGSInstance) throws -> Double {
        let k = instance.clientCount
        let noise = instance.noisePower
        var worstRadius = 0.0
        // Constraint rows: the sum (all ones, P_sum), then each user's cap (e_k, P_max).
        for constraint in -1..<k {
            let budget = constraint < 0 ? instance.powerSum : instance.powerMax
            var matrix = [Double](repeating: 0, count: k * k)
            for row in 0..<k {
                let d = 1 / instance.gains[row][row]
                for col in 0..<k {
                    var entry = row == col ? 0 : d * instance.gains[row][col]
                    if constraint < 0 || col == constraint { entry += d * noise / budget }
                    matrix[row + col * k] = entry
                }
            }
            worstRadius = max(worstRadius, try MinimalPower.spectralRadius(columnMajor: matrix, order: k))
        }
        return 1 / worstRadius
    }

    /// Active Learning: clients in decreasing π̃ order, ignoring their channels, each new one
    /// joining with an equal split min(P_max, P_sum/|S|); stops at the first client whose
    /// admission would make the selection fail (it does not look past it for better channels).
    public static func activeLearning(_ problem: STTGSStageTwo) -> (x: [Int], powers: [Double]) {
        let instance = problem.instance
        let order = (0..<problem.clientCount).sorted {
            instance.predictedLoss[$0] != instance.predictedLoss[$1]
                ? instance.predictedLoss[$0] > instance.predictedLoss[$1] : $0 < $1
        }
        var x = [Int](repeating: 0, count: problem.clientCount)
        var powers = x.map { _ in 0.0 }
        for client in order {
            var trialX = x
            trialX[client] = 1
            let share = min(instance.powerMax, instance.powerSum / Double(trialX.reduce(0, +)))
            let trialPowers = trialX.map { Double($0) * share }
            guard problem.maxViolation(x: trialX, powers: trialPowers) <= STTGSStageTwo.feasibilityTolerance else { break }
            x = trialX
            powers = trialPowers
        }
        return (x, powers)
    }

    /// Unrestricted: every client uploads everything, as if there were no power or time
    /// limits — an upper bound on Σ x π̃, reported (honestly) as infeasible when it is. Powers
    /// are the uncapped minimal vector when one exists, else an equal split.
    public static func unrestricted(_ problem: STTGSStageTwo) -> (x: [Int], powers: [Double]) {
        let everyone = Array(0..<problem.clientCount)
        let share = min(problem.instance.powerMax, problem.instance.powerSum / Double(problem.clientCount))
        let powers =
            problem.power.positiveSolution(targets: problem.sinrTargets, members: everyone)
            ?? everyone.map { _ in share }
        return (everyone.map { _ in 1 }, powers)
    }

    /// Serves the clients whose rate under `powers` reaches η_k; the others are silenced,
    /// which only lowers interference, and the check repeats until every served client
    /// meets its target.
    static func serveWhoMeetsTargets(_ problem: STTGSStageTwo, powers: [Double]) -> (x: [Int], powers: [Double]) {
        var x = [Int](repeating: 1, count: problem.clientCount)
        var transmitted = powers
        while true {
            let failing = x.indices.filter { k in
                x[k] == 1 && problem.rateTargets[k] > 0
                    && Shannon.sinr(
                        user: k, powers: transmitted, gains: problem.instance.gains,
                        noise: problem.instance.noisePower) < problem.sinrTargets[k]
            }
            if failing.isEmpty { return (x, transmitted) }
            for k in failing {
                x[k] = 0
                transmitted[k] = 0
            }
        }
    }
}
