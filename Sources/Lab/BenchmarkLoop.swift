import Foundation

/// Runs a body repeatedly for at least a given CPU time and reports its rate.
///
/// Rates are computed from the thread's CPU time, not from wall time, so that a figure does not
/// depend on how many other processes share the machine; the share of wall time the thread
/// actually ran is reported alongside. The body runs in batches so that reading the clocks
/// costs nothing measurable; the first batch is a warm-up and is not counted.
struct BenchmarkLoop {
    /// Minimum measured CPU time.
    var duration: Duration
    /// Body calls between clock reads.
    var batch: Int

    /// The measured result of one loop.
    struct Result {
        /// Body calls measured.
        var iterations: Int
        /// CPU time of the measuring thread.
        var cpuTime: Duration
        /// Wall-clock time.
        var wallTime: Duration

        /// Calls per second of CPU time.
        var rate: Double { Double(iterations) / cpuTime.seconds }
        /// The fraction of wall time the thread was running.
        var cpuShare: Double { cpuTime.seconds / wallTime.seconds }
    }

    /// Calls `body` until `duration` of CPU time has passed (after one warm-up batch).
    func run(_ body: () throws -> Void) rethrows -> Result {
        for _ in 0..<batch { try body() }
        let clock = ContinuousClock()
        let wallStart = clock.now
        let cpuStart = Self.threadCPUTime()
        var iterations = 0
        var cpuTime = Duration.zero
        repeat {
            for _ in 0..<batch { try body() }
            iterations += batch
            cpuTime = Self.threadCPUTime() - cpuStart
        } while cpuTime < duration
        return Result(iterations: iterations, cpuTime: cpuTime, wallTime: clock.now - wallStart)
    }

    /// CPU time consumed so far by the calling thread.
    static func threadCPUTime() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
