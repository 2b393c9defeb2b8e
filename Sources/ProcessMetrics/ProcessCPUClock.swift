#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time the whole process has used (user + system, every thread).
///
/// The daemon's slot loop logs how much of it each slot took besides the slot's wall time, and
/// `gs-lab bench http-client` what each request cost the client: on a machine shared with other
/// work, wall time measures the contention as much as the work, while CPU time does not.
public enum ProcessCPUClock {
    /// Seconds of CPU time used so far.
    public static func now() -> Double {
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
