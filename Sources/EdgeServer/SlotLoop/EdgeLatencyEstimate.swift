/// The edge latency t_e that IRAC plans with: when the last of the slot's FRAMEs would be sent
/// if it rendered as many as it may (K_max, or fewer users), counted from the slot's start, from
/// the last `window` slots, plus a relative guard `margin`.
///
/// The deadline t_e + D/R ≤ T_max is hard and a FRAME's time depends on how the CPU is shared at
/// that moment, so t_e is the worst recent slot, not a mean: the longest time to a slot's last
/// FRAME over the window. A window maximum holds a spike for the whole window, where a decaying
/// peak (tried first: a new maximum at once, then −10 % of the gap per slot) had forgotten most
/// of it within a few slots and promised the next slow spell frames that then missed.
///
/// Slots that served fewer users finish early, so the window maximum alone would promise the
/// first slot serving more of them too much. t_e is therefore never below the latest render
/// start plus ⌈n / workers⌉ typical (median) render rounds, n = min(K_max, users this slot). The median, not the
/// maximum: rounds scale by that factor, and a scaled spike would keep t_e so high that few
/// users are served, which only yields more of the short slots that teach nothing else.
///
/// The guard is there because IRAC gives each served user exactly the power p_k^min that makes
/// t_e + D/R_k = T_max: the plan has no slack, so a slot slower than any before would miss.
struct EdgeLatencyEstimate: Sendable {
    /// Slots remembered.
    let window: Int
    /// The guard, relative to the modelled time.
    let margin: Double
    private let workers: Int
    private var lastFrames = RecentValues()
    private var renderStarts = RecentValues()
    private var roundTimes = RecentValues()

    /// An estimate over `window` ≥ 1 slots with guard `margin` ≥ 0 for `workers` ≥ 1 render
    /// workers; until the first FRAME, a round is taken to last `initialRound` seconds.
    init(window: Int, margin: Double, workers: Int, initialRound: Double) {
        precondition(window >= 1 && margin >= 0 && workers >= 1, "window and workers ≥ 1, guard ≥ 0")
        self.window = window
        self.margin = margin
        self.workers = workers
        roundTimes.append(initialRound, window: window)
    }

    /// t_e in seconds for a slot that may render up to `frames` FRAMEs.
    func seconds(frames: Int) -> Double {
        let rounds = (max(frames, 0) + workers - 1) / workers
        let fullSlot = renderStarts.maximum + Double(rounds) * roundTimes.median
        return (1 + margin) * max(lastFrames.maximum, fullSlot)
    }

    /// Records one slot: when its renders started and, if it rendered `frames` > 0 FRAMEs, when
    /// the last was sent (both from the slot's start).
    mutating func observe(renderStart: Double, lastFrame: Double?, frames: Int) {
        renderStarts.append(renderStart, window: window)
        lastFrames.append(lastFrame ?? renderStart, window: window)
        guard let lastFrame, frames > 0 else { return }
        let slotRounds = (frames + workers - 1) / workers
        roundTimes.append(max(lastFrame - renderStart, 0) / Double(slotRounds), window: window)
    }
}

/// The last values appended, at most a window of them.
private struct RecentValues: Sendable {
    private var values: [Double] = []
    private var next = 0

    var maximum: Double { values.max() ?? 0 }

    /// The middle value (the upper one of an even count).
    var median: Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

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
