/// The edge latency t_e that IRAC plans with: when the last of up to K_max FRAMEs would be sent,
/// counted from the slot's start, as the worst case of the last `window` slots plus a relative
/// guard `margin`.
///
/// A slot's FRAMEs go out in rounds of `workers` renders, so t_e is modelled as the latest render
/// start of the last `window` slots plus ⌈K_max / workers⌉ times the longest round of the last
/// `window` slots that rendered (slots without a FRAME say nothing about a round). A slot that
/// served fewer users still tells how long a round takes; measuring only its last FRAME would
/// teach IRAC a t_e that the first slot serving K_max users then overruns.
///
/// The deadline t_e + D/R ≤ T_max is hard and a FRAME's time depends on how the CPU is shared at
/// that moment, so the terms are a high quantile of recent slots, not a mean. A window maximum
/// holds a spike for the whole window, where a decaying peak (tried first: a new maximum at
/// once, then −10 % of the gap per slot) had forgotten most of it within a few slots and
/// promised the next slow spell frames that then missed. The guard is there because IRAC gives
/// each served user exactly the power p_k^min that makes t_e + D/R_k = T_max: the plan has no
/// slack, so every slot that set a new maximum would otherwise miss.
struct EdgeLatencyEstimate: Sendable {
    /// Slots remembered.
    let window: Int
    /// The guard, relative to the modelled time.
    let margin: Double
    /// Rounds of renders the last of K_max FRAMEs waits for.
    let rounds: Int
    private let workers: Int
    private var renderStarts = RecentMaximum()
    private var roundTimes = RecentMaximum()

    /// An estimate over `window` ≥ 1 slots with guard `margin` ≥ 0 for up to `maxFrames` FRAMEs
    /// on `workers` ≥ 1 render workers; until the first FRAME, a round is taken to last
    /// `initialRound` seconds.
    init(window: Int, margin: Double, maxFrames: Int, workers: Int, initialRound: Double) {
        precondition(window >= 1 && margin >= 0 && workers >= 1, "window and workers ≥ 1, guard ≥ 0")
        self.window = window
        self.margin = margin
        self.workers = workers
        rounds = (max(maxFrames, 0) + workers - 1) / workers
        roundTimes.values = [initialRound]
    }

    /// t_e in seconds.
    var seconds: Double { (1 + margin) * (renderStarts.maximum + Double(rounds) * roundTimes.maximum) }

    /// Records one slot: when its renders started and, if it rendered `frames` > 0 FRAMEs, when
    /// the last was sent (both from the slot's start).
    mutating func observe(renderStart: Double, lastFrame: Double?, frames: Int) {
        renderStarts.append(renderStart, window: window)
        guard let lastFrame, frames > 0 else { return }
        let slotRounds = (frames + workers - 1) / workers
        roundTimes.append(max(lastFrame - renderStart, 0) / Double(slotRounds), window: window)
    }
}

/// The last values appended (at most a window of them) and their maximum.
private struct RecentMaximum: Sendable {
    var values: [Double] = []
    private var next = 0

    var maximum: Double { values.max() ?? 0 }

    /// Appends `value`, replacing the oldest once `window` values are held.
    mutating func append(_ value: Double, window: Int) {
        if values.count < window {
            values.append(value)
            return
        }
        values[next] = value
        next = (next + 1) % window
    }
}
