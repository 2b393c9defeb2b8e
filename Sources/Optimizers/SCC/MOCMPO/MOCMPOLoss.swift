/// The losses of MO-CMPO over per-pair softmaxes (one group of `width` logits per pair, one
/// logit per MEC), each returning the loss and its gradient with respect to the logits.
public enum MOCMPOLoss {
    /// Log-softmax of every group of `width` consecutive logits.
    public static func logSoftmax<S: ILOScalar>(_ logits: [S], width: Int) -> [S] {
        var result = logits
        for base in stride(from: 0, to: logits.count, by: width) {
            let group = logits[base..<(base + width)]
            let top = group.max() ?? 0
            let total = group.reduce(S(0)) { $0 + S.exponential($1 - top) }
            let shift = top + S.logarithm(total)
            for i in base..<(base + width) { result[i] = logits[i] - shift }
        }
        return result
    }

    /// Mean cross-entropy −(1/G) Σ_g log p_g[target_g]: the consistency model's supervised loss
    /// (the paper's BCE between the predicted and the labelled one-hot assignment).
    public static func crossEntropy<S: ILOScalar>(
        _ logits: [S], width: Int, targets: [Int]
    ) -> (loss: S, gradient: [S]) {
        let logProb = logSoftmax(logits, width: width)
        let scale = S(1) / S(targets.count)
        var loss = S(0)
        var gradient = logProb.map { S.exponential($0) * scale }
        for (g, target) in targets.enumerated() {
            loss -= logProb[g * width + target] * scale
            gradient[g * width + target] -= scale
        }
        return (loss, gradient)
    }

    /// PPO's clipped surrogate −(1/G) Σ_g min(r_g A, clip(r_g, 1 ± ε) A) with per-pair ratios
    /// r_g = p_g[a_g] / p_old_g[a_g] and one advantage A for the whole sampled assignment.
    public static func clippedSurrogate<S: ILOScalar>(
        _ logits: [S], width: Int, actions: [Int], oldLogProb: [S], advantage: S, epsilon: S
    ) -> (loss: S, gradient: [S]) {
        let logProb = logSoftmax(logits, width: width)
        let scale = S(1) / S(actions.count)
        var loss = S(0)
        var gradient = [S](repeating: 0, count: logits.count)
        for (g, action) in actions.enumerated() {
            let ratio = S.exponential(logProb[g * width + action] - oldLogProb[g])
            let clipped = min(max(ratio, 1 - epsilon), 1 + epsilon)
            let unclippedTerm = ratio * advantage, clippedTerm = clipped * advantage
            loss -= min(unclippedTerm, clippedTerm) * scale
            // The clipped branch is constant in θ; only the unclipped one carries a gradient.
            guard unclippedTerm <= clippedTerm else { continue }
            let coefficient = -advantage * ratio * scale
            for m in 0..<width {
                let i = g * width + m
                gradient[i] += coefficient * ((m == action ? 1 : 0) - S.exponential(logProb[i]))
            }
        }
        return (loss, gradient)
    }
}
