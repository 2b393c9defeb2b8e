/// The focal loss (Lin et al. 2017) on logits z with p = σ(z), averaged over rows:
/// ℓ = −α y (1 − p)^γ log p − (1 − α)(1 − y) p^γ log(1 − p).
/// Its derivative with respect to z (derivation in docs/IRAC.md):
/// y = 1: α (1 − p)^γ (γ p log p − (1 − p));  y = 0: (1 − α) p^γ (p − γ (1 − p) log(1 − p)).
public struct ILOFocalLoss: Sendable, Codable, Equatable {
    /// α, the weight of the positive class.
    public var alpha: Double
    /// γ ≥ 0, the focusing exponent (γ = 0 gives weighted cross-entropy).
    public var gamma: Double

    /// A focal loss; the defaults are the paper-standard α = 0.5 (balanced), γ = 2.
    public init(alpha: Double = 0.5, gamma: Double = 2) {
        self.alpha = alpha
        self.gamma = gamma
    }

    /// Mean loss over rows with 0/1 labels.
    public func value<S: ILOScalar>(logits: [S], labels: [S]) -> S {
        var total = S.zero
        for (z, y) in zip(logits, labels) {
            let p = Self.sigmoid(z)
            let positive = S(alpha) * power(1 - p) * Self.softplus(-z)
            let negative = S(1 - alpha) * power(p) * Self.softplus(z)
            total += y * positive + (1 - y) * negative
        }
        return total / S(max(logits.count, 1))
    }

    /// ∂(mean loss)/∂z for every row.
    public func gradient<S: ILOScalar>(logits: [S], labels: [S]) -> [S] {
        let gamma = S(self.gamma), scale = 1 / S(max(logits.count, 1))
        return zip(logits, labels).map { z, y in
            let p = Self.sigmoid(z)
            let logP = -Self.softplus(-z), logQ = -Self.softplus(z)
            let positive = S(alpha) * power(1 - p) * (gamma * p * logP - (1 - p))
            let negative = S(1 - alpha) * power(p) * (p - gamma * (1 - p) * logQ)
            return scale * (y * positive + (1 - y) * negative)
        }
    }

    /// σ(z), computed without overflow.
    public static func sigmoid<S: ILOScalar>(_ z: S) -> S {
        z >= 0 ? 1 / (1 + S.exponential(-z)) : S.exponential(z) / (1 + S.exponential(z))
    }

    /// log(1 + eᶻ), computed without overflow.
    static func softplus<S: ILOScalar>(_ z: S) -> S {
        max(z, 0) + S.logarithm(1 + S.exponential(-abs(z)))
    }

    /// base^γ with 0^γ = 0 for γ > 0 and base^0 = 1.
    private func power<S: ILOScalar>(_ base: S) -> S {
        if gamma == 0 { return 1 }
        if base <= 0 { return 0 }
        return S.exponential(S(gamma) * S.logarithm(base))
    }
}
