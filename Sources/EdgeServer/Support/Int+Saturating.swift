extension FixedWidthInteger where Self: SignedInteger {
    /// `value` rounded toward zero and clamped to the type's range; NaN becomes 0.
    ///
    /// For grid cells, quantised keys and durations computed from client-sent or configured
    /// numbers: the wire and the configuration bound them (``Protocol/Pose/maxCoordinateMetres``,
    /// ``ServerConfiguration/maxDurationSeconds``), and this keeps a conversion from trapping
    /// even if a bound is ever loosened.
    init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Self.max) {
            self = .max
        } else if value <= Double(Self.min) {
            self = .min
        } else {
            self.init(value)
        }
    }
}
