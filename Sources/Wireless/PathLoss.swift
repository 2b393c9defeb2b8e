import Foundation

/// Large-scale path loss `PL(d) = ρ0 · d^(−α)` with optional log-normal shadowing.
public struct PathLoss: Sendable, Equatable, Codable {
    /// Linear gain at the 1 m reference distance (papers: −30 dB → 1e−3).
    public var referenceGain: Double
    /// Path-loss exponent α (papers: 3).
    public var exponent: Double

    /// A path-loss law; `referenceGainDB` is ρ0 in dB at 1 m.
    public init(referenceGainDB: Double = -30, exponent: Double = 3) {
        self.referenceGain = Units.ratio(fromDB: referenceGainDB)
        self.exponent = exponent
    }

    /// Linear power gain at `distance` metres (clamped below at 1 m so the law stays a loss).
    public func gain(distance: Double) -> Double {
        referenceGain * pow(max(distance, 1), -exponent)
    }
}
