/// Bisection on a monotone predicate or function, stopping on the bracket's width.
public enum Bisection {
    /// The smallest `t` in `[low, high]` (to within `tolerance`) where the non-decreasing
    /// predicate `isAbove(t)` holds. Returns `high` when the predicate only holds at `high`.
    ///
    /// Precondition: `isAbove(high)` is true; the caller checks feasibility of the bracket.
    public static func smallestTrue(
        low: Double, high: Double, tolerance: Double, maxIterations: Int = 200,
        _ isAbove: (Double) -> Bool
    ) -> Double {
        var lo = low, hi = high
        var iteration = 0
        while hi - lo > tolerance * max(1, abs(hi)), iteration < maxIterations {
            let mid = 0.5 * (lo + hi)
            if isAbove(mid) { hi = mid } else { lo = mid }
            iteration += 1
        }
        return hi
    }

    /// The largest integer `m` in `[low, high]` where the non-increasing predicate holds;
    /// `low − 1` when it holds nowhere.
    public static func largestTrue(low: Int, high: Int, _ holds: (Int) -> Bool) -> Int {
        var lo = low - 1, hi = high + 1  // holds(lo) assumed true, holds(hi) false
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if holds(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }
}
