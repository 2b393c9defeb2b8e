/// The last values appended, at most a window of them: the memory behind the slot loop's
/// worst-recent-case estimates (``EdgeLatencyEstimate``, ``FrameBitsEstimate``).
struct RecentValues: Sendable, Equatable {
    private var values: [Double] = []
    private var next = 0

    /// How many values are held (at most the window).
    var count: Int { values.count }

    var maximum: Double { values.max() ?? 0 }

    /// The middle value (the upper one of an even count).
    var median: Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// The nearest-rank `q`-quantile, q in (0, 1]: the smallest held value that at least a
    /// fraction `q` of the held values do not exceed (q = 1: the maximum); 0 when none is held.
    func upperQuantile(_ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
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
