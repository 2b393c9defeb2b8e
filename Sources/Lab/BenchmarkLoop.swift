/// Runs a body repeatedly for at least a given wall-clock time and reports its rate.
///
/// The body runs in batches so that reading the clock costs nothing measurable; the first
/// batch is a warm-up and is not counted.
struct BenchmarkLoop {
    /// Minimum measured time.
    var duration: Duration
    /// Body calls between clock reads.
    var batch: Int

    /// The measured result of one loop.
    struct Result {
        /// Body calls measured.
        var iterations: Int
        /// Wall-clock time they took.
        var elapsed: Duration

        /// Calls per second.
        var rate: Double { Double(iterations) / elapsed.seconds }
    }

    /// Calls `body` until `duration` has passed (after one warm-up batch).
    func run(_ body: () throws -> Void) rethrows -> Result {
        for _ in 0..<batch { try body() }
        let clock = ContinuousClock()
        let start = clock.now
        var iterations = 0
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<batch { try body() }
            iterations += batch
            elapsed = clock.now - start
        } while elapsed < duration
        return Result(iterations: iterations, elapsed: elapsed)
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
