#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time the whole daemon process has used (user + system, every thread).
///
/// The slot loop logs how much of it each slot took besides the slot's wall time: on a machine
/// shared with other work, wall time measures the contention as much as the slot, while CPU
/// time does not.
enum ProcessCPUClock {
    /// Seconds of CPU time used so far.
    static func now() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
            let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
            let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
