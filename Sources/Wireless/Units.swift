import Foundation

/// Unit conversions used at the edges of the system (configs, CLIs, instance generators).
///
/// Inside the code every quantity is SI and linear: watts, hertz, bits, seconds, power ratios.
public enum Units {
    /// dBm → watts: `10^((dBm − 30)/10)`.
    @inlinable public static func watts(fromDBm dBm: Double) -> Double {
        pow10(0.1 * (dBm - 30))
    }

    /// watts → dBm.
    @inlinable public static func dBm(fromWatts watts: Double) -> Double {
        10 * log10(watts) + 30
    }

    /// dB → linear power ratio: `10^(dB/10)`.
    @inlinable public static func ratio(fromDB dB: Double) -> Double {
        pow10(0.1 * dB)
    }

    /// Linear power ratio → dB.
    @inlinable public static func dB(fromRatio ratio: Double) -> Double {
        10 * log10(ratio)
    }

    @usableFromInline static func pow10(_ x: Double) -> Double { exp(x * 2.302585092994045684) }
}
