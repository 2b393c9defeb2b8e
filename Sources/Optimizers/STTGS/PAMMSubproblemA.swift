import COpenBLAS
import Foundation

/// One MM step of PAMM: the convex problem P3a[i][n+1] (eq. 34) solved to optimality by a
/// primal–dual interior-point method (Boyd & Vandenberghe §11.7) written for its structure.
///
/// Variables z = (x, s), s = ξ/P_max. Objective (linear φ̂1, the coupling penalty):
/// `Σ (−π̄_k + (1 − 2x*_k)/β) x_k + γ Σ (s_k − x_k p̄_k)²`. Constraints: Φ̂_k(x, s | s*) ≤ 0,
/// 0 ≤ x ≤ 1, s_floor ≤ s ≤ 1 (ξ = x p lies in [0, P_max]; the tiny floor keeps the logarithms'
/// arguments and the MM anchor strictly positive).
///
/// Structure: the x-block of the Newton matrix is diagonal (x_k enters only its own penalty,
/// its own rate constraint and its box), so x is eliminated and only the K×K Schur complement
/// in s — diagonal + one rank-one term per client — is factored, by LAPACK `dposv`.
struct PAMMSubproblemA {
    let surrogates: PAMMSurrogates
    /// π̄_k: losses normalised by their maximum.
    let values: [Double]
    /// p̄^[i−1] in units of P_max.
    let powers: [Double]
    let gamma: Double
    static let sFloor = 1e-7

    struct Point {
        var x: [Double]
        var s: [Double]
    }

    /// The optimum of P3a[i][n+1] expanded at `anchor`, and the Newton steps it took.
    func solve(anchor: Point) -> (point: Point, steps: Int) {
        let k = surrogates.clientCount
        guard var start = startingPoint(anchor) else { return (anchor, 0) }
        let linear = (0..<k).map { -values[$0] + (1 - 2 * anchor.x[$0]) / surrogates.beta }
        var state = State(point: start, anchor: anchor.s, problem: self, linear: linear)
        var duals = state.constraints.map { 1 / -$0 }
        var steps = 0
        let m = Double(duals.count)
        while steps < 60 {
            let gap = -zip(state.constraints, duals).reduce(0) { $0 + $1.0 * $1.1 }
            let t = 10 * m / gap
            let residual = state.dualResidual(duals)
            if gap < 1e-9 && residual.reduce(0, { $0 + $1 * $1 }).squareRoot() < 1e-9 { break }
            guard let direction = state.newtonDirection(duals: duals, t: t) else { break }
            steps += 1
            // Largest step keeping the duals positive, then backtrack into strict feasibility
            // and a decrease of the primal–dual residual norm.
            var step = 1.0
            for i in duals.indices where direction.dual[i] < 0 { step = min(step, -duals[i] / direction.dual[i]) }
            step *= 0.99
            let norm0 = state.residualNorm(duals: duals, t: t)
            var accepted = false
            while step > 1e-14 {
                let trial = Point(
                    x: zip(start.x, direction.x).map { $0 + step * $1 },
                    s: zip(start.s, direction.s).map { $0 + step * $1 })
                let candidate = State(point: trial, anchor: anchor.s, problem: self, linear: linear)
                if candidate.constraints.allSatisfy({ $0 < 0 }) {
                    let trialDuals = zip(duals, direction.dual).map { $0 + step * $1 }
                    if candidate.residualNorm(duals: trialDuals, t: t) <= (1 - 0.01 * step) * norm0 {
                        state = candidate
                        start = trial
                        duals = trialDuals
                        accepted = true
                        break
                    }
                }
                step *= 0.5
            }
            if !accepted { break }
        }
        return (start, steps)
    }

    /// A strictly feasible start: s at the anchor (inside its box), each x_k at half the
    /// largest value its rate constraint allows there.
    private func startingPoint(_ anchor: Point) -> Point? {
        let s = anchor.s.map { min(max($0, 2 * Self.sFloor), 1 - 1e-9) }
        var x = [Double](repeating: 0.5, count: s.count)
        for k in s.indices {
            let slack = -surrogates.rateConstraintSurrogate(k, x: [Double](repeating: 0, count: s.count), s: s, at: anchor.s)
            guard slack > 1e-300 else { return nil }
            if surrogates.rateTargets[k] > 0 { x[k] = min(0.5, 0.5 * slack / surrogates.rateTargets[k]) }
        }
        return Point(x: x, s: s)
    }
}

extension PAMMSubproblemA {
    /// Constraint values and gradients at one primal point. Constraint order: Φ̂_k (K), then
    /// −x, x − 1, s_floor − s, s − 1 (K each).
    struct State {
        let point: Point
        let problem: PAMMSubproblemA
        let linear: [Double]
        var constraints: [Double]
        /// ∇_s Φ̂_k for each k.
        var rateGradients: [[Double]]
        /// 1 + a_k·s, for the Hessian of Φ̂_k.
        var received: [Double]

        init(point: Point, anchor: [Double], problem: PAMMSubproblemA, linear: [Double]) {
            self.point = point
            self.problem = problem
            self.linear = linear
            let surrogates = problem.surrogates
            let k = point.x.count
            constraints = (0..<k).map { surrogates.rateConstraintSurrogate($0, x: point.x, s: point.s, at: anchor) }
            constraints += point.x.map { -$0 } + point.x.map { $0 - 1 }
            constraints += point.s.map { PAMMSubproblemA.sFloor - $0 } + point.s.map { $0 - 1 }
            rateGradients = (0..<k).map { surrogates.rateConstraintSurrogateGradient($0, s: point.s, at: anchor) }
            received = (0..<k).map { surrogates.receivedLevel($0, point.s) }
        }

        /// ∇f at the point.
        func objectiveGradient() -> (x: [Double], s: [Double]) {
            let p = problem.powers, g = problem.gamma
            let mismatch = point.x.indices.map { point.s[$0] - point.x[$0] * p[$0] }
            return (
                point.x.indices.map { linear[$0] - 2 * g * p[$0] * mismatch[$0] },
                mismatch.map { 2 * g * $0 }
            )
        }

        /// ∇f + Σ λ_i ∇f_i, stacked (x, s).
        func dualResidual(_ duals: [Double]) -> [Double] {
            let k = point.x.count
            var (gx, gs) = objectiveGradient()
            for i in 0..<k {
                gx[i] += duals[i] * problem.surrogates.rateTargets[i] - duals[k + i] + duals[2 * k + i]
                gs[i] += -duals[3 * k + i] + duals[4 * k + i]
                for l in 0..<k { gs[l] += duals[i] * rateGradients[i][l] }
            }
            return gx + gs
        }

        /// ‖(r_dual, r_cent)‖ with r_cent = −λ∘f − 1/t.
        func residualNorm(duals: [Double], t: Double) -> Double {
            let dual = dualResidual(duals).reduce(0) { $0 + $1 * $1 }
            let centrality = zip(duals, constraints).reduce(0) { $0 + pow(-$1.0 * $1.1 - 1 / t, 2) }
            return (dual + centrality).squareRoot()
        }

        /// The primal–dual Newton direction, with x eliminated (see the type's comment).
        func newtonDirection(duals: [Double], t: Double) -> (x: [Double], s: [Double], dual: [Double])? {
            let k = point.x.count
            let p = problem.powers, g = problem.gamma, eta = problem.surrogates.rateTargets
            let rows = problem.surrogates.signalRows
            let weights = constraints.indices.map { duals[$0] / -constraints[$0] }
            // Right-hand side: −(∇f + (1/t) Σ ∇f_i/(−f_i)).
            var (rx, rs) = objectiveGradient()
            for i in 0..<k {
                let inv = 1 / (t * -constraints[i])
                rx[i] += inv * eta[i] - 1 / (t * -constraints[k + i]) + 1 / (t * -constraints[2 * k + i])
                rs[i] += -1 / (t * -constraints[3 * k + i]) + 1 / (t * -constraints[4 * k + i])
                for l in 0..<k { rs[l] += inv * rateGradients[i][l] }
            }
            rx = rx.map { -$0 }
            rs = rs.map { -$0 }
            // Diagonal x-block, the x–s coupling rows c_k, and the s-block.
            var dx = [Double](repeating: 0, count: k)
            var coupling = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            var hss = [Double](repeating: 0, count: k * k)  // column-major
            for i in 0..<k {
                dx[i] = 2 * g * p[i] * p[i] + weights[i] * eta[i] * eta[i] + weights[k + i] + weights[2 * k + i]
                coupling[i][i] = -2 * g * p[i]
                for l in 0..<k { coupling[i][l] += weights[i] * eta[i] * rateGradients[i][l] }
                hss[i + i * k] += 2 * g + weights[3 * k + i] + weights[4 * k + i]
                let curvature = duals[i] / (M_LN2 * received[i] * received[i])
                for col in 0..<k {
                    for row in col..<k {
                        hss[row + col * k] +=
                            curvature * rows[i][row] * rows[i][col]
                            + weights[i] * rateGradients[i][row] * rateGradients[i][col]
                            - coupling[i][row] * coupling[i][col] / dx[i]
                    }
                }
            }
            var rhs = rs
            for i in 0..<k { for l in 0..<k { rhs[l] -= coupling[i][l] * rx[i] / dx[i] } }
            var factor = hss
            let info = LAPACKE_dposv(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), Int32(k), 1, &factor, Int32(k), &rhs, Int32(k))
            guard info == 0 else { return nil }
            let ds = rhs
            let dxStep = (0..<k).map { i in
                (rx[i] - (0..<k).reduce(0) { $0 + coupling[i][$1] * ds[$1] }) / dx[i]
            }
            // Δλ_i = −λ_i − 1/(t f_i) − λ_i ∇f_iᵀΔz / f_i.
            var directional = [Double](repeating: 0, count: 5 * k)
            for i in 0..<k {
                directional[i] = eta[i] * dxStep[i] + (0..<k).reduce(0) { $0 + rateGradients[i][$1] * ds[$1] }
                directional[k + i] = -dxStep[i]
                directional[2 * k + i] = dxStep[i]
                directional[3 * k + i] = -ds[i]
                directional[4 * k + i] = ds[i]
            }
            let dualStep = duals.indices.map { i in
                -duals[i] - 1 / (t * constraints[i]) - duals[i] * directional[i] / constraints[i]
            }
            return (dxStep, ds, dualStep)
        }
    }
}
