import Optimizers

/// The STT-GS collection rounds' settings (`[sttgs]` in the TOML file). Defaults follow the
/// paper (§VI: T = 350 s, P_sum = 300 mW, P_max = 200 mW; PAMM); docs/OPERATIONS.md lists them.
/// The uplink itself (N, K, α, shadowing, B, σ², the placement square) is ``CollectorUplink``'s
/// paper default on both ends, so it is not configurable here.
struct RoundConfiguration: Sendable, Equatable {
    /// Run collection rounds at all (`sttgs.enabled`).
    var enabled = true
    /// Stage-2 JCSPC solver (`sttgs.solver`: pamm, exact, maxrate, fairness, activelearning, unrestricted).
    var solver = STTGSSolverName.pamm
    /// Stage-1 scheme (`sttgs.pilot_scheme`: pttm or equalpower).
    var pilotScheme = PilotTransmission.Scheme.pttm
    /// A round starts once this many new collectors have registered (`sttgs.collectors`)…
    var collectors = 5
    /// …or this many wall seconds after the first of them did (`sttgs.registration_window_s`).
    var registrationWindowSeconds = 10.0
    /// Round length T in emulated seconds (`sttgs.round_s`).
    var roundSeconds = 350.0
    /// Emulated seconds per wall second (`sttgs.time_scale`; collectors use the same `--time-scale`).
    var timeScale = 1.0
    /// Wall milliseconds an upload may commit after its emulated deadline ÷ time scale, for the
    /// transport and the fsyncs (`sttgs.grace_ms`).
    var graceMilliseconds = 500.0
    /// P_sum in watts (`sttgs.power_sum_w`).
    var powerSum = 0.3
    /// P_max in watts (`sttgs.power_max_w`).
    var powerMax = 0.2

    /// Checks names and ranges.
    func validate() throws(ConfigurationError) {
        guard collectors >= 1 else { throw .invalid("sttgs.collectors", "must be ≥ 1") }
        // SCHEDULE carries deadlines as u32 microseconds.
        guard roundSeconds.isFinite, roundSeconds > 0, roundSeconds < 4000 else { throw .invalid("sttgs.round_s", "must be in (0, 4000)") }
        for (key, value) in [("sttgs.power_sum_w", powerSum), ("sttgs.power_max_w", powerMax)] where !(value.isFinite && value > 0) {
            throw .invalid(key, "must be a finite number > 0")
        }
        try ServerConfiguration.requireDuration(registrationWindowSeconds, "sttgs.registration_window_s", minimum: 0.001)
        try ServerConfiguration.requireDuration(graceMilliseconds / 1000, "sttgs.grace_ms", minimum: 0)
        // Wall time = emulated time ÷ scale: a round must last between a millisecond and a week.
        guard timeScale.isFinite, (roundSeconds / ServerConfiguration.maxDurationSeconds...roundSeconds * 1000).contains(timeScale) else {
            throw .invalid("sttgs.time_scale", "must make sttgs.round_s last between 1 ms and a week of wall time (got \(timeScale))")
        }
    }
}
