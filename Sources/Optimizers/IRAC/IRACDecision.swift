/// A decision for one IRAC slot: who is served by the edge and with what power.
public struct IRACDecision: Sendable, Equatable {
    /// x_k: true when user k's view is rendered by the edge.
    public var served: [Bool]
    /// p_k in watts.
    public var powers: [Double]

    /// A decision with the given collaboration status and powers.
    public init(served: [Bool], powers: [Double]) {
        self.served = served
        self.powers = powers
    }
}
