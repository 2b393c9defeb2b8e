import Foundation

/// The low-power problem Q_GS (GSMR §VI-A: minimise the average power subject to the average
/// loss ≤ L_th) decided online, one frame at a time, by its Lagrangian: with a price μ on loss,
/// a frame's image is worth sending when the loss it saves pays for its extra power,
/// μ·L_t ≥ c_t(1) − c_t(0), at the frame's own reported channel; no future frame is predicted.
/// After each frame the price follows the loss account by multiplicative dual ascent,
/// μ ← μ·exp(κ·(L_t(1 − x_t) − L_th)/L_th): it rises while the robot loses more than L_th
/// (more images), falls while it loses less.
///
/// This is not the paper's algorithm (the paper solves Q_GS offline over the whole route); the
/// receding-horizon Q_GS stays the default (`gsmr.low_power_policy = "horizon"`). Live, that
/// horizon plans the later slots at the predictor's mean gain, postpones images from frames
/// whose reported channel is worse, and must then send them whatever the channel; the price
/// never forces an image into a fade (docs/EXPERIMENTS.md, "Low power against APO, live").
struct LowPowerPrice: Sendable, Equatable {
    /// μ, in watts per unit of loss.
    private(set) var price: Double

    /// The dual step κ: a frame that misses L_th by L_th moves the price by a factor e^κ.
    static let step = 0.05
    /// The price stays within these bounds (watts per unit of loss), so that a long run of
    /// frames on one side of L_th cannot drive it to 0 or overflow.
    static let bounds = 1e-9...1e9

    /// A price at which an image at `referenceExtraPower` (its extra power at the mean
    /// channel) and `referenceLoss` (the map's prior) is just worth sending.
    init(referenceExtraPower: Double, referenceLoss: Double) {
        let start = referenceLoss > 0 ? referenceExtraPower / referenceLoss : Self.bounds.upperBound
        price = min(max(start, Self.bounds.lowerBound), Self.bounds.upperBound)
    }

    /// Whether to send the image: its loss `loss`, priced, pays for `extraPower`.
    func sendsImage(loss: Double, extraPower: Double) -> Bool { price * loss >= extraPower }

    /// Settles one frame: `accruedLoss` = L_t(1 − x_t) against the threshold `threshold`.
    mutating func settle(accruedLoss: Double, threshold: Double) {
        let scale = max(threshold, 1e-6)
        price = min(max(price * exp(Self.step * (accruedLoss - threshold) / scale), Self.bounds.lowerBound), Self.bounds.upperBound)
    }
}
