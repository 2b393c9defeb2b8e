import SlotModel

/// D, the FRAME size in bits that IRAC plans each served user's airtime D/R_k with
/// (ECO-GS §III: t_e + D/R_k ≤ T_max).
///
/// With `irac.frame_bits_source = "configured"` D is `irac.frame_bits`, the paper's constant.
/// With `"measured"` it is the nearest-rank `irac.frame_bits_quantile` of the PNG sizes of the
/// last `irac.frame_bits_window` FRAMEs the edge encoded, and `irac.frame_bits` until the first
/// is measured (so a start with the paper's 16 Mbit over-estimates, never under-).
///
/// A high quantile of a window, not a mean or an EWMA: IRAC gives each served user exactly the
/// power p_k^min that makes t_e + D/R_k = T_max, so a FRAME larger than D misses its deadline;
/// a mean under-estimates about half the FRAMEs. The default quantile 1 is the window's largest
/// FRAME, the same worst-recent-case rule as t_e (``EdgeLatencyEstimate``); PNG sizes vary with
/// what a pose shows, so a view busier than any of the window can still exceed it.
struct FrameBitsEstimate: Sendable, Equatable {
    let source: FrameBitsSource
    /// `irac.frame_bits`: D itself when configured, the prior when measured.
    let configuredBits: Double
    /// FRAMEs remembered.
    let window: Int
    /// The quantile of their sizes planned with, in (0, 1].
    let quantile: Double
    private var recent = RecentValues()

    /// An estimate from `source`; `window` ≥ 1 FRAMEs, `quantile` in (0, 1], `configuredBits` > 0.
    init(source: FrameBitsSource, configuredBits: Double, window: Int, quantile: Double) {
        precondition(configuredBits > 0 && window >= 1 && quantile > 0 && quantile <= 1, "D > 0, window ≥ 1, quantile in (0, 1]")
        self.source = source
        self.configuredBits = configuredBits
        self.window = window
        self.quantile = quantile
    }

    /// The estimate the slot loop's settings ask for.
    init(_ configuration: SlotLoopConfiguration) {
        self.init(
            source: configuration.frameBitsSource, configuredBits: configuration.frameBits, window: configuration.frameBitsWindow,
            quantile: configuration.frameBitsQuantile)
    }

    /// FRAMEs measured so far, at most the window.
    var measuredFrames: Int { recent.count }

    /// D in bits to plan the next slot with.
    var bits: Double {
        guard source == .measured, recent.count > 0 else { return configuredBits }
        return recent.upperQuantile(quantile)
    }

    /// Records the encoded sizes, in bits, of a slot's FRAMEs (ignored when D is configured).
    mutating func observe(encodedBits: [Double]) {
        guard source == .measured else { return }
        for bits in encodedBits where bits.isFinite && bits > 0 { recent.append(bits, window: window) }
    }
}
