import COpenBLAS

/// The component-wise minimal power vector meeting SINR targets on an interfering uplink
/// (SPEC §4, PTTM; the Foschini–Miljanic / Perron–Frobenius power-control result).
///
/// For the clients in `members`, with targets γ_k, the constraints `SINR_k ≥ γ_k` read
/// `p ≥ ΓFp + Γu` with Γ = diag(γ_k/H_kk), F_kj = H_kj (j ≠ k), u = σ²·1. ΓF is nonnegative,
/// so by Perron–Frobenius a nonnegative solution exists iff ρ(ΓF) < 1, and then
/// p* = (I − ΓF)⁻¹Γu = Σₙ (ΓF)ⁿ Γu is below every other solution component-wise. Hence p* also
/// solves the paper's LP F1 (minimise Σp), and a subset is feasible iff ρ(ΓF) < 1 and p* meets
/// the caps — no LP solver is needed.
public struct MinimalPower: Sendable {
    /// Composite gains, `gains[k][j]` = H_kj.
    public let gains: [[Double]]
    /// Noise power σ² in watts.
    public let noise: Double

    /// The power-control problem of one uplink.
    public init(gains: [[Double]], noise: Double) {
        self.gains = gains
        self.noise = noise
    }

    /// Why a target vector cannot be met.
    public enum Verdict: Sendable, Equatable {
        /// Met: the minimal powers (indexed like the full client list; non-members get 0).
        case feasible(powers: [Double])
        /// ρ(ΓF) ≥ 1: no finite power meets the targets.
        case spectralRadiusTooLarge(Double)
        /// The minimal powers exist but break P_max or P_sum.
        case capsViolated(powers: [Double])
    }

    /// The clients with a positive target: the others need no power and cause no interference.
    private func active(_ members: [Int], _ targets: [Double]) -> [Int] {
        members.filter { targets[$0] > 0 }
    }

    /// ΓF restricted to `members`, column-major (LAPACK's native layout), optionally as I − ΓF.
    private func interferenceMatrix(_ members: [Int], _ targets: [Double], identityMinus: Bool) -> [Double] {
        let n = members.count
        var matrix = [Double](repeating: 0, count: n * n)
        for (i, k) in members.enumerated() {
            let scale = targets[k] / gains[k][k]
            for (j, l) in members.enumerated() where j != i {
                matrix[i + j * n] = identityMinus ? -scale * gains[k][l] : scale * gains[k][l]
            }
            if identityMinus { matrix[i + i * n] = 1 }
        }
        return matrix
    }

    /// ρ(ΓF) for the clients in `members` with SINR targets `targets` (indexed like the full
    /// client list), from LAPACK's nonsymmetric eigensolver `dgeev`.
    public func spectralRadius(targets: [Double], members: [Int]) throws -> Double {
        let set = active(members, targets)
        let n = set.count
        guard n > 1 else { return 0 }
        return try Self.spectralRadius(columnMajor: interferenceMatrix(set, targets, identityMinus: false), order: n)
    }

    /// The spectral radius max|λ| of an n×n column-major matrix, from LAPACK `dgeev`.
    public static func spectralRadius(columnMajor matrix: [Double], order n: Int) throws -> Double {
        var matrix = matrix
        var real = [Double](repeating: 0, count: n), imaginary = real
        var leftUnused = [Double](repeating: 0, count: 1), rightUnused = leftUnused
        let info = LAPACKE_dgeev(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), Int32(n),
            &matrix, Int32(n), &real, &imaginary, &leftUnused, 1, &rightUnused, 1)
        guard info == 0 else { throw OptimizerError(.numerical, "dgeev failed with info \(info)") }
        return zip(real, imaginary).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 0
    }

    /// Solves (I − ΓF)p = Γu with LAPACK's `dgesv` and returns p when it is nonnegative.
    ///
    /// A nonnegative solution is itself a certificate that ρ(ΓF) < 1: p = Γu + ΓFp ≥ Γu > 0,
    /// so ΓFp ≤ c·p with c = maxₖ (ΓFp)ₖ/pₖ < 1 and, by the Collatz–Wielandt bound, ρ ≤ c.
    /// Conversely ρ < 1 gives p = Σ(ΓF)ⁿΓu ≥ 0. So nil here is exactly "ρ(ΓF) ≥ 1" (or a
    /// singular system, which is the boundary case ρ = 1). This is the fast path of `exact`.
    public func positiveSolution(targets: [Double], members: [Int]) -> [Double]? {
        var powers = [Double](repeating: 0, count: gains.count)
        let set = active(members, targets)
        let n = set.count
        guard n > 0 else { return powers }
        var matrix = interferenceMatrix(set, targets, identityMinus: true)
        var rhs = set.map { targets[$0] * noise / gains[$0][$0] }
        var pivots = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgesv(LAPACK_COL_MAJOR, Int32(n), 1, &matrix, Int32(n), &pivots, &rhs, Int32(n))
        guard info == 0 else { return nil }
        for (i, k) in set.enumerated() {
            guard rhs[i] > 0, rhs[i].isFinite else { return nil }
            powers[k] = rhs[i]
        }
        return powers
    }

    /// Whether `powers` meet P_max (relative slack `tolerance`) and P_sum.
    public static func withinCaps(_ powers: [Double], powerMax: Double, powerSum: Double, tolerance: Double = 1e-12) -> Bool {
        powers.allSatisfy { $0 <= powerMax * (1 + tolerance) }
            && powers.reduce(0, +) <= powerSum * (1 + tolerance)
    }

    /// The full verdict for `members` at SINR targets `targets`: the spectral radius is
    /// checked explicitly with `dgeev`, then the minimal powers from `dgesv` against the caps.
    public func verdict(targets: [Double], members: [Int], powerMax: Double, powerSum: Double) throws -> Verdict {
        let radius = try spectralRadius(targets: targets, members: members)
        guard radius < 1, let powers = positiveSolution(targets: targets, members: members) else {
            return .spectralRadiusTooLarge(radius)
        }
        return Self.withinCaps(powers, powerMax: powerMax, powerSum: powerSum)
            ? .feasible(powers: powers) : .capsViolated(powers: powers)
    }

    /// The minimal powers for `members` when they meet the caps, else nil (the fast test:
    /// positivity certificate instead of an eigen-decomposition).
    public func feasiblePowers(targets: [Double], members: [Int], powerMax: Double, powerSum: Double) -> [Double]? {
        guard let powers = positiveSolution(targets: targets, members: members),
            Self.withinCaps(powers, powerMax: powerMax, powerSum: powerSum)
        else { return nil }
        return powers
    }
}
