import ArgumentParser
import Foundation
import Optimizers

/// `gs-lab bench irac` (release build): PMM and ILO time per decision at K = 10 and K = 50,
/// ILO's agreement with PMM on held-out slots, PMM's gap to the exact optimum.
///
/// Times are reported twice: wall clock and this thread's CPU time. On a shared, oversubscribed
/// machine the CPU time is the fair figure for these single-threaded solvers (run with
/// OPENBLAS_NUM_THREADS=1 so sgemm stays on the calling thread).
struct IRACBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irac", abstract: "Benchmark PMM and ILO (time per decision, agreement, gap to exact).")

    @Option(help: "Slot sizes K, comma-separated.") var users = "10,50"
    @Option(help: "Slots per size.") var slots = 200
    @Option(help: "Repetitions of each ILO decision (its time is tiny).") var repeats = 200
    @Option(help: "Model file (default: the shipped model).") var model: String?
    @Option(help: "Seed of the held-out slots.") var seed: UInt64 = 777_777

    func run() throws {
        let ilo = try model.map { try ILOModel.load(from: URL(fileURLWithPath: $0)) } ?? ILOModel.shipped()
        print(
            "| K | PMM µs (wall / CPU) | PMM MM steps | ILO µs (wall / CPU) | speed-up (CPU) | ILO agreement | ILO gap to PMM | PMM gap to exact | exact µs (wall) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for text in users.split(separator: ",") {
            guard let count = Int(text), count >= 1 else { throw ValidationError("--users: bad size '\(text)'") }
            var distribution = ILOInstanceDistribution()
            distribution.minUsers = count
            distribution.maxUsers = count
            let instances = try (0..<slots).map { try distribution.instance(seed: seed, index: $0) }
            var pmmSeconds = 0.0, pmmCPU = 0.0, steps = 0, decisions: [IRACDecision] = []
            for instance in instances {
                let clock = Stopwatch(), cpu = ThreadCPUClock()
                let outcome = IRACPenaltyMM().solve(instance)
                pmmSeconds += clock.elapsedSeconds
                pmmCPU += cpu.elapsedSeconds
                steps += outcome.iterations
                decisions.append(outcome.decision)
            }
            var iloSeconds = 0.0, iloCPU = 0.0, agreed = 0, iloGap = 0.0
            for (instance, pmm) in zip(instances, decisions) {
                var decision = try ilo.decide(instance)  // warm-up, and the decision we score
                let clock = Stopwatch(), cpu = ThreadCPUClock()
                for _ in 0..<repeats { decision = try ilo.decide(instance) }
                iloSeconds += clock.elapsedSeconds / Double(repeats)
                iloCPU += cpu.elapsedSeconds / Double(repeats)
                agreed += zip(decision.served, pmm.served).filter { $0 == $1 }.count
                iloGap += instance.objective(decision.served) - instance.objective(pmm.served)
            }
            var exactSeconds = 0.0, pmmGap = 0.0
            for (instance, pmm) in zip(instances, decisions) {
                let clock = Stopwatch()
                let (exact, _) = try IRACExact.solve(instance)
                exactSeconds += clock.elapsedSeconds
                pmmGap += instance.objective(pmm.served) - instance.objective(exact.served)
            }
            let n = Double(slots)
            print(
                String(
                    format: "| %d | %.1f / %.1f | %.1f | %.2f / %.2f | %.0f× | %.2f %% | %.5f | %.5f | %.1f |",
                    count, pmmSeconds / n * 1e6, pmmCPU / n * 1e6, Double(steps) / n, iloSeconds / n * 1e6,
                    iloCPU / n * 1e6, pmmCPU / iloCPU,
                    100 * Double(agreed) / (n * Double(count)), iloGap / n, pmmGap / n, exactSeconds / n * 1e6))
        }
    }
}

/// CPU time consumed by the calling thread (immune to other processes on a shared machine).
struct ThreadCPUClock {
    private let start = ThreadCPUClock.now()

    /// Seconds of this thread's CPU time since `init`.
    var elapsedSeconds: Double { ThreadCPUClock.now() - start }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
