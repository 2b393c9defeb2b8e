import Protocol
import SlotModel
import Wireless

/// What the edge believes of a client's channel in each planned slot, from what the edge can
/// know: the client's CHANNEL_REPORT for the slot being planned (its pilot estimate h̃), and for
/// every other slot — the rest of a robot's receding horizon, or a slot whose report has not
/// come — the link's Rician statistics at the pose the client announced for it.
///
/// Block fading is drawn afresh each slot, so the statistics are the best prediction of an
/// unreported slot. The predictor never reads a realisation: no code path of the slot loop has
/// the channel seed.
struct ChannelPredictor: Sendable {
    let link: EmulatedLink
    /// r in ω² = r·|h̃|² for reported slots (`gsmr.omega2_relative`).
    let estimationErrorRelative: Double
    /// The weakest gain planned with, relative to the mean: a report of a deeper fade (or of
    /// 0, legal on the wire) is planned as this one, so powers stay finite (−60 dB).
    static let deepestFade = 1e-6

    /// One planned slot's channel as the edge believes it.
    struct Belief: Sendable, Equatable {
        /// The certainty-equivalent gain the P_GS solvers and IRAC plan with: the reported
        /// ‖h̃‖², or the mean E‖h‖² = N·ρ₀d^−α of an unreported slot.
        var gain: Double
        /// BILS's estimate power |h̃|² and error variance ω² (GSMR §V): the report and r·|h̃|²;
        /// for an unreported slot the Rician line-of-sight part N·β·K/(K+1) and the scattered
        /// part N·β/(K+1) plus the estimation error r·N·β the pilot would have added.
        var estimateGain: Double
        var errorVariance: Double
        /// From the slot's own CHANNEL_REPORT.
        var reported: Bool

        /// The belief with every power scaled by `factor` (ZF's share of the mean, GSMR §VI-B).
        func scaled(by factor: Double) -> Belief {
            Belief(gain: gain * factor, estimateGain: estimateGain * factor, errorVariance: errorVariance * factor, reported: reported)
        }
    }

    /// Beliefs for slots `slot, slot + 1, …` at `poses` (one per slot) given the client's latest
    /// report; a report for another slot than `slot` is not used.
    func beliefs(report: ChannelReport?, slot: UInt64, poses: [Pose]) -> [Belief] {
        poses.enumerated().map { i, pose in
            let mean = link.meanGain(at: pose.position)
            let floor = mean * Self.deepestFade
            guard i == 0, let report, report.slot == slot else {
                let k = link.kFactorDB == -.infinity ? 0 : Units.ratio(fromDB: link.kFactorDB)
                return Belief(
                    gain: mean, estimateGain: max(mean * k / (k + 1), floor),
                    errorVariance: mean * (1 / (k + 1) + estimationErrorRelative), reported: false)
            }
            let gain = max(report.gain, floor)
            return Belief(gain: gain, estimateGain: gain, errorVariance: estimationErrorRelative * gain, reported: true)
        }
    }
}
