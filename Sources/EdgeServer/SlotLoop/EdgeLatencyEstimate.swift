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
/// start plus n's typical (median) render rounds, n = min(K_max, users this slot): ⌈n / workers⌉
/// rounds, or, for n < workers, 1 / ⌊workers / n⌋ of one, since the render pool then splits
/// each FRAME over ⌊workers / n⌋ threads (``RenderPool/threadsPerRender(jobs:)``). Counting a
/// lone split FRAME as a whole round would teach, from slots serving one user, a round half as
/// long as two FRAMEs side by side take. (Its PNG encode does not split, so a split FRAME's
/// round is over-, never under-estimated.) The median, not the maximum: rounds scale by that
/// factor, and a scaled spike would keep t_e so high that few users are served, which only
/// yields more of the short slots that teach nothing else.
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
        let fullSlot = renderStarts.maximum + rounds(frames: frames) * roundTimes.median
        return (1 + margin) * max(lastFrames.maximum, fullSlot)
    }

    /// Records one slot: when its renders started and, if it rendered `frames` > 0 FRAMEs, when
    /// the last was sent (both from the slot's start).
    mutating func observe(renderStart: Double, lastFrame: Double?, frames: Int) {
        renderStarts.append(renderStart, window: window)
        lastFrames.append(lastFrame ?? renderStart, window: window)
        guard let lastFrame, frames > 0 else { return }
        roundTimes.append(max(lastFrame - renderStart, 0) / rounds(frames: frames), window: window)
    }

    /// Render rounds `frames` FRAMEs take on the workers: ⌈frames / workers⌉ when each renders
    /// on one thread, 1 / ⌊workers / frames⌋ when fewer split their tiles over the idle workers.
    func rounds(frames: Int) -> Double {
        guard frames > 0 else { return 0 }
        if frames < workers { return 1 / Double(workers / frames) }
        return Double((frames + workers - 1) / workers)
    }
}
