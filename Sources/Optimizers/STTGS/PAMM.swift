/// `pamm`: penalty alternating majorisation–minimisation for P2 (paper §V, Algorithm 3).
///
/// Works on the normalised problem: π̄ = π̃/max π̃, powers and slacks in units of P_max, so β
/// and γ do not depend on the instance's units. Outer loop i (PAM): P3a (x, ξ) by `J` MM
/// steps, each a convex problem solved to optimality by ``PAMMSubproblemA``, then P3b (p)
/// exactly by ``PowerProjection``; then a safeguarded extrapolation step
/// (``PAMMExtrapolation``, a deviation from the paper) that is kept only if it lowers the
/// penalised objective. It stops after `I` outer iterations or once the PAM step's ‖Δx‖ and
/// ‖Δp‖ both fall below `tolerance`. The relaxed x is binarised (x ≥ ½) and repaired by
/// ``SelectionRepair``, so every output is feasible with minimal powers.
public struct PAMM: Sendable {
    /// Algorithm parameters.
    public struct Options: Sendable, Codable, Equatable {
        /// β of φ1 = (1/β)Σx(1−x).
        public var beta: Double
        /// γ of φ2 = γΣ(ξ − xp)² (normalised units).
        public var gamma: Double
        /// I: outer PAM iterations at most.
        public var outerIterations: Int
        /// J: MM steps per P3a.
        public var innerIterations: Int
        /// Stop when ‖Δx‖ and ‖Δp‖ (p in units of P_max) are both below this.
        public var tolerance: Double
        /// x⁽⁰⁾ (every client).
        public var initialSelection: Double
        /// Passes of the optional swap polish after repair (0 = Algorithm 3 alone), see
        /// ``SelectionRepair/improveBySwaps(_:in:maxPasses:)``. A deviation from the paper.
        public var polishPasses: Int
        /// Largest extrapolation factor ω of ``PAMMExtrapolation`` (0 = plain Algorithm 3).
        /// A deviation from the paper.
        public var maxExtrapolation: Double

        /// Defaults: β = 0.1 (paper), γ = 10, I = 100, J = 1, tolerance 1e−4 (paper Fig. 10),
        /// x⁽⁰⁾ = ½, up to 50 polish passes, extrapolation up to ω = 1024.
        public init(
            beta: Double = 0.1, gamma: Double = 10, outerIterations: Int = 100,
            innerIterations: Int = 1, tolerance: Double = 1e-4, initialSelection: Double = 0.5,
            polishPasses: Int = 50, maxExtrapolation: Double = 1024
        ) {
            self.beta = beta
            self.gamma = gamma
            self.outerIterations = outerIterations
            self.innerIterations = innerIterations
            self.tolerance = tolerance
            self.initialSelection = initialSelection
            self.polishPasses = polishPasses
            self.maxExtrapolation = maxExtrapolation
        }
    }

    /// The options in use.
    public var options: Options

    /// A PAMM solver.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// What PAMM returns.
    public struct Solution: Sendable {
        /// Final (binarised, repaired) selection.
        public var x: [Int]
        /// Minimal powers of that selection in watts.
        public var powers: [Double]
        /// The relaxed x at convergence, before binarisation.
        public var relaxedSelection: [Double]
        /// ‖x[i] − x[i−1]‖ per outer iteration.
        public var selectionSteps: [Double]
        /// ‖p[i] − p[i−1]‖ (units of P_max) per outer iteration.
        public var powerSteps: [Double]
        /// The penalised objective F(x, s, p) of P3 (normalised units, see ``PAMMExtrapolation``)
        /// after each outer iteration; non-increasing up to the interior-point tolerance.
        public var objectives: [Double]
        /// Outer iterations run.
        public var iterations: Int
        /// Interior-point Newton steps over all MM steps.
        public var newtonSteps: Int
        /// Extrapolation steps accepted.
        public var extrapolations: Int
    }

    /// Runs Algorithm 3 on `problem`.
    public func solve(_ problem: STTGSStageTwo) throws -> Solution {
        try validateOptions()
        let instance = problem.instance
        let k = problem.clientCount
        let scale = instance.predictedLoss.max() ?? 1
        let values = instance.predictedLoss.map { scale > 0 ? $0 / scale : 0 }
        let surrogates = PAMMSurrogates(problem: problem, beta: options.beta)
        let relativeSum = instance.powerSum / instance.powerMax
        var p = [Double](repeating: min(1, relativeSum / Double(k)), count: k)
        var point = PAMMSubproblemA.Point(
            x: [Double](repeating: options.initialSelection, count: k),
            s: p.map { $0 * options.initialSelection })
        var selectionSteps: [Double] = [], powerSteps: [Double] = [], objectives: [Double] = []
        var newtonSteps = 0
        var extrapolation = PAMMExtrapolation(
            surrogates: surrogates, values: values, gamma: options.gamma, powerSum: relativeSum,
            maxFactor: options.maxExtrapolation)
        for _ in 0..<options.outerIterations {
            let subproblem = PAMMSubproblemA(surrogates: surrogates, values: values, powers: p, gamma: options.gamma)
            let previousX = point.x, previousS = point.s
            for _ in 0..<options.innerIterations {
                let step = subproblem.solve(anchor: point)
                point = step.point
                newtonSteps += step.steps
            }
            let nextP = PowerProjection.solve(xi: point.s, x: point.x, powerMax: 1, powerSum: relativeSum)
            selectionSteps.append(Self.distance(point.x, previousX))
            powerSteps.append(Self.distance(nextP, p))
            let converged =
                selectionSteps.count > 1
                && selectionSteps.last! < options.tolerance && powerSteps.last! < options.tolerance
            let previous = (point: PAMMSubproblemA.Point(x: previousX, s: previousS), p: p)
            (point, p) = converged ? (point, nextP) : extrapolation.step(from: previous, to: (point, nextP)) ?? (point, nextP)
            objectives.append(extrapolation.objective(point, p))
            if converged { break }
        }
        let binarised = SelectionRepair.repair(point.x.map { $0 >= 0.5 ? 1 : 0 }, in: problem)
        let repaired = SelectionRepair.improveBySwaps(binarised, in: problem, maxPasses: options.polishPasses)
        return Solution(
            x: repaired.x, powers: repaired.powers, relaxedSelection: point.x,
            selectionSteps: selectionSteps, powerSteps: powerSteps, objectives: objectives,
            iterations: selectionSteps.count, newtonSteps: newtonSteps, extrapolations: extrapolation.accepted)
    }

    private func validateOptions() throws {
        guard options.beta > 0, options.beta.isFinite, options.gamma >= 0, options.gamma.isFinite,
            options.outerIterations >= 1, options.innerIterations >= 1,
            options.tolerance >= 0, (0...1).contains(options.initialSelection), options.polishPasses >= 0,
            options.maxExtrapolation >= 0, options.maxExtrapolation.isFinite
        else { throw OptimizerError(.invalidInstance, "pamm: invalid options \(options)") }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
