import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Runs work on a thread of its own that the kernel schedules only when no other thread of the
/// machine wants the CPU (Linux `SCHED_IDLE`; elsewhere, or where the call is refused, the
/// lowest nice value a thread may take). Training runs here so that the slot loop's renders,
/// the event loops and the render pool always win the cores (STT-GS step 8 must not cost the
/// slots their deadlines).
enum IdlePriorityThread {
    /// How the thread ended up scheduled, for the logs and `/v1/status`.
    enum Policy: String, Sendable, Codable {
        case idle = "sched_idle"
        case nice = "nice_19"
        case normal = "normal"
    }

    /// `body`'s result, computed on a new idle-priority thread; `policy` tells which priority it got.
    static func run<Result: Sendable>(
        name: String, _ body: @escaping @Sendable (Policy) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let policy = lowerPriority()
                continuation.resume(with: Swift.Result { try body(policy) })
            }
            thread.name = name
            thread.start()
        }
    }

    /// Lowers the calling thread's priority; on Linux both calls act on the thread alone.
    private static func lowerPriority() -> Policy {
        #if os(Linux)
            var parameters = sched_param(sched_priority: 0)
            // SCHED_IDLE is 5 in <sched.h>; Glibc does not export the macro to Swift.
            if sched_setscheduler(0, 5, &parameters) == 0 { return .idle }
            if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19) == 0 { return .nice }
        #endif
        return .normal
    }
}
