/// The edge latency t_e that IRAC plans with: the largest time from a slot's start to its last
/// FRAME over the last `window` slots, plus a relative guard `margin`.
///
/// The deadline t_e + D/R ≤ T_max is hard and a FRAME's time depends on how the CPU is shared at
/// that moment, so t_e is a high quantile of recent slots, not a mean. A window maximum holds a
/// spike for the whole window, where a decaying peak (tried first: a new maximum at once, then
/// −10 % of the gap per slot) had forgotten most of it within a few slots and promised the next
/// slow spell frames that then missed. The guard is there because IRAC gives each served user
/// exactly the power p_k^min that makes t_e + D/R_k = T_max: the plan has no slack, so every
/// slot whose last FRAME set a new maximum would otherwise miss.
struct EdgeLatencyEstimate: Sendable {
    /// Slots remembered.
    let window: Int
    /// The guard, relative to the window's maximum.
    let margin: Double
    private var recent: [Double] = []
    private var next = 0

    /// An estimate over `window` ≥ 1 slots with guard `margin` ≥ 0, planning with `initial`
    /// (before the guard) until the first observation.
    init(window: Int, margin: Double, initial: Double) {
        precondition(window >= 1 && margin >= 0, "the window holds at least one slot; the guard is not negative")
        self.window = window
        self.margin = margin
        recent = [initial]
    }

    /// t_e in seconds.
    var seconds: Double { (1 + margin) * recent.max()! }

    /// Records one slot's time to its last FRAME, replacing the oldest once the window is full.
    mutating func observe(seconds: Double) {
        if recent.count < window {
            recent.append(seconds)
            return
        }
        recent[next] = seconds
        next = (next + 1) % window
    }
}
