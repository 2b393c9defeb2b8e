import Foundation
import SlotModel
import Wireless

/// The air the robots of one client-sim process share at the edge's N-antenna receiver: each
/// robot posts its pilot observation (estimate and true channel) per slot, and a robot whose
/// SCHEDULE names co-scheduled transmitters computes its reception with theirs (GSMR §VI-B).
/// Robots in other processes are not in this air, so their interference is not emulated.
final class SharedAir: @unchecked Sendable {
    private let lock = NSLock()
    private var observations: [UInt32: [UInt64: PilotObservation]] = [:]
    /// Slots of observations kept per link (a SCHEDULE never lags further).
    static let slotsKept: UInt64 = 64

    /// Records link `link`'s observation of `slot`.
    func post(link: UInt32, slot: UInt64, _ observation: PilotObservation) {
        lock.withLock {
            observations[link, default: [:]][slot] = observation
            if slot >= Self.slotsKept { observations[link]?[slot - Self.slotsKept] = nil }
        }
    }

    /// Link `link`'s observation of `slot`, when its robot is in this process and posted it.
    func observation(link: UInt32, slot: UInt64) -> PilotObservation? {
        lock.withLock { observations[link]?[slot] }
    }

    /// Transmitter `own`'s reception in `slot` under `combiner` with the co-scheduled transmitters
    /// found in this air: its effective gain SINR·σ²/p (what a lone transmitter at that SINR
    /// would have) and its interference-to-noise ratio; nil when none of them is here.
    func reception(
        own: PilotObservation, power: Double, slot: UInt64, coScheduled: [(link: UInt32, power: Double)],
        combiner: UplinkCombiner, noise: Double
    ) -> UplinkReception.Outcome? {
        let others = coScheduled.compactMap { transmitter in
            observation(link: transmitter.link, slot: slot).map { ($0, transmitter.power) }
        }
        guard !others.isEmpty, power > 0 else { return nil }
        return try? UplinkReception.outcome(
            of: 0, combiner: combiner, estimates: [own.estimate] + others.map(\.0.estimate),
            truths: [own.truth] + others.map(\.0.truth), powers: [power] + others.map(\.1), noise: noise)
    }
}
