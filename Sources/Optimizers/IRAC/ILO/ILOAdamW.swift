import Foundation

/// AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay,
/// θ ← θ − η (m̂/(√v̂ + ε) + λ θ), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
public struct ILOAdamW<Scalar: ILOScalar>: Sendable {
    /// η.
    public var learningRate: Double
    /// β₁.
    public var beta1: Double
    /// β₂.
    public var beta2: Double
    /// ε.
    public var epsilon: Double
    /// λ, the decoupled weight decay.
    public var weightDecay: Double
    /// Steps taken (t).
    public private(set) var step = 0
    private var firstMoment: [[Scalar]] = []
    private var secondMoment: [[Scalar]] = []

    /// An optimiser with PyTorch's AdamW defaults unless overridden.
    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
        epsilon: Double = 1e-8, weightDecay: Double = 1e-2
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One step on `parameters` with `gradients` of the same shape.
    public mutating func update(_ parameters: inout [[Scalar]], gradients: [[Scalar]]) {
        if firstMoment.isEmpty {
            firstMoment = parameters.map { [Scalar](repeating: 0, count: $0.count) }
            secondMoment = firstMoment
        }
        step += 1
        let b1 = Scalar(beta1), b2 = Scalar(beta2)
        let correction1 = Scalar(1 - pow(beta1, Double(step)))
        let correction2 = Scalar(1 - pow(beta2, Double(step)))
        let rate = Scalar(learningRate), decay = Scalar(weightDecay), eps = Scalar(epsilon)
        for a in parameters.indices {
            for i in parameters[a].indices {
                let g = gradients[a][i]
                firstMoment[a][i] = b1 * firstMoment[a][i] + (1 - b1) * g
                secondMoment[a][i] = b2 * secondMoment[a][i] + (1 - b2) * g * g
                let mHat = firstMoment[a][i] / correction1
                let vHat = secondMoment[a][i] / correction2
                parameters[a][i] -= rate * (mHat / (Scalar.root(vHat) + eps) + decay * parameters[a][i])
            }
        }
    }
}
