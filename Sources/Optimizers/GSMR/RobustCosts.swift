import Foundation
import Wireless

/// The robust P'_GS (§V) seen as a P_GS with effective gains.
///
/// With `h_t = h̃_t + Δh_t`, `Δh_t ~ CN(0, ω²_t)`, the outage `1 − Q1(a_t, b)` of a frame
/// needing SNR γ at power p depends on p only through `b = √(γσ²/p)/√(ω²_t/2)`. It increases
/// in b, so `P_out ≤ ε` ⇔ `b ≤ b*_t` where `b*_t` — found once per frame by bisection — does
/// not depend on the content. The minimum power is therefore `γσ²/g*_t` with the effective
/// gain `g*_t = (ω²_t/2)·b*_t²`, for image and pose alike (ω²_t = 0 gives `g*_t = |h̃_t|²`).
public struct RobustCosts: Sendable {
    /// `g*_t`: the gain at which perfect-CSI powers meet the outage target.
    public let effectiveGains: [Double]
    /// The per-frame minimum powers meeting `P_out ≤ ε`.
    public let costs: FrameCosts
    /// |h̃_t|², ω²_t and ε, for the outage report.
    let estimateGains: [Double]
    let errorVariances: [Double]
    let epsilon: Double

    /// Robust costs of an instance carrying `h_est`, `omega2` and `eps`.
    public init(_ instance: GSCLOInstance) throws {
        guard let estimate = instance.hEstimate, let variances = instance.errorVariance,
            let epsilon = instance.epsilon
        else {
            throw OptimizerError(.invalidInstance, "the robust problem needs 'h_est', 'omega2' and 'eps'")
        }
        let estimateGains = estimate.squaredMagnitudes
        effectiveGains = estimateGains.indices.map { t in
            Self.effectiveGain(estimateGain: estimateGains[t], errorVariance: variances[t], epsilon: epsilon)
        }
        costs = FrameCosts(instance, gains: effectiveGains)
        self.estimateGains = estimateGains
        self.errorVariances = variances
        self.epsilon = epsilon
    }

    /// `g* = (ω²/2)·b*²` with `b*` the largest threshold meeting `1 − Q1(a, b*) ≤ ε`,
    /// `a = |h̃|/√(ω²/2)`.
    ///
    /// The outage increases in b, from 0 at b = 0; b* lies between `√(−2 ln(1−ε))` (a = 0,
    /// a lower bound since Q1 increases in a) and `a + 40` (outage 1 in double precision).
    /// Bisection runs on z = −b so that "outage ≤ ε" is non-decreasing, as Bisection expects,
    /// and stops on the feasible side.
    public static func effectiveGain(estimateGain: Double, errorVariance: Double, epsilon: Double) -> Double {
        guard errorVariance > 0 else { return estimateGain }
        let scale2 = 0.5 * errorVariance
        let a = (estimateGain / scale2).squareRoot()
        let floor = (-2 * log1p(-epsilon)).squareRoot()
        let z = Bisection.smallestTrue(low: -(a + 40), high: -floor, tolerance: 1e-14) { z in
            MarcumQ.complement(a, -z) <= epsilon
        }
        return scale2 * z * z
    }

    /// The outage probability of frame t sending `image ? I : S` bits at `power`.
    public func outage(_ instance: GSCLOInstance, frame t: Int, image: Bool, power: Double) -> Double {
        let snr = Outage.requiredSNR(
            bits: image ? instance.imageBits : instance.poseBits, duration: instance.slotSeconds,
            bandwidth: instance.bandwidth)
        return Outage.probability(
            estimateGain: estimateGains[t], errorVariance: errorVariances[t], snr: snr,
            noise: instance.noise, power: power)
    }

    /// Checks a robust decision — budget and `P_out ≤ ε` per frame — and wraps it as a result.
    /// The violation reported is the larger of the budget excess (W) and the outage excess.
    func result(
        _ instance: GSCLOInstance, _ decision: GSCLOSolver.Decision, solver: GSCLOSolverName,
        seconds: Double
    ) -> SolverResult {
        var check = instance.budgetFeasibility(x: decision.x, powers: decision.powers) { t, image in
            image ? costs.image[t] : costs.pose[t]
        }
        for t in decision.x.indices {
            let excess = outage(instance, frame: t, image: decision.x[t], power: decision.powers[t]) - epsilon
            if excess > 1e-6 * epsilon { check.feasible = false }
            check.violation = max(check.violation, excess)
        }
        return SolverResult(
            x: decision.x.map { $0 ? 1 : 0 }, powers: decision.powers, objective: instance.meanLoss(decision.x),
            feasible: check.feasible, maxViolation: check.violation, timeSeconds: seconds,
            iterations: decision.iterations, solver: solver.rawValue)
    }
}

extension GSCLOSolver {
    /// BILS (Algorithm 2): start from APO's x for the estimated channel (over-confident), repair
    /// it to the robust budget if needed (drop images, least loss per watt first), then run Ī
    /// iterated-local-search moves of η flips, each checked by the per-frame minimum powers
    /// (the bisection results in `robust`), accepting feasible moves that are not worse.
    static func bils(
        _ instance: GSCLOInstance, robust: RobustCosts, options: GSCLOSolverOptions
    ) throws -> Decision {
        var nominal = instance
        nominal.gains = instance.hEstimate?.squaredMagnitudes ?? instance.gains
        let nominalCosts = FrameCosts(nominal)
        // APO needs the nominal poses to fit; when only the robust ones do (ω² ≫ |h̃|²), start
        // from all poses instead.
        var start = [Bool](repeating: false, count: instance.frames)
        if (try? nominal.requirePosesFit(nominalCosts)) != nil {
            start = apo(nominal, costs: nominalCosts, options: options).decision.x
        }
        let costs = robust.costs
        GreedyCompletion.repair(
            &start, losses: instance.losses, pose: costs.pose, image: costs.image, budget: instance.totalBudget)
        let search = IteratedLocalSearch(
            flipsPerMove: options.flipsPerMove, iterations: options.searchIterations, seed: options.seed)
        let budget = instance.totalBudget * (1 + GSCLOInstance.relativeTolerance)
        let outcome = try search.run(start: start) { x in
            costs.totalPower(x) <= budget ? instance.meanLoss(x) : nil
        }
        return Decision(x: outcome.x, powers: tightPowers(outcome.x, costs), iterations: options.searchIterations)
    }
}
