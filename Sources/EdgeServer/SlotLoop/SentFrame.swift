/// One FRAME job's result: whether it reached its session, when, and what it cost.
struct SentFrame: Sendable {
    var delivered: Bool
    /// When it was sent, or given up.
    var at = ContinuousClock.now
    /// Bits of the PNG sent (nil when nothing was encoded).
    var encodedBits: Double? = nil
    /// Rendering and encoding it here (nil for a view relayed from another edge).
    var renderMilliseconds: Double? = nil
    var encodeMilliseconds: Double? = nil
}
