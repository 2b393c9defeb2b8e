extension Double {
    /// Seconds as SCHEDULE's whole u32 microseconds, truncated (config validation keeps τ and
    /// T_max far below the u32 range; clamping keeps a conversion from trapping regardless).
    var wholeMicroseconds: UInt32 { UInt32(clamping: Int(saturating: (self * 1e6).rounded(.down))) }
}
