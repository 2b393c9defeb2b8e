import Prometheus

/// The slot loop's Prometheus metrics, registered in the daemon's own registry.
struct SlotMetrics: Sendable {
    let slots: Counter
    let lateSlots: Counter
    let schedules: Counter
    let frames: Counter
    let deadlineMisses: Counter
    let imagesScheduled: Counter
    let solverErrors: Counter
    let computeTime: DurationHistogram
    let robotSolverTime: DurationHistogram
    let userSolverTime: DurationHistogram
    let renderTime: DurationHistogram
    let robotPower: Gauge
    let userPower: Gauge
    /// The FRAME size D in bits IRAC planned the slot with (configured or measured).
    let frameBits: Gauge
    /// Transmissions clients carried out at their scheduled power, per role (CHANNEL_REPORT).
    let transmissions: [SessionRole: Counter]
    /// Those the true channel could not finish by their deadline, per role (CHANNEL_REPORT).
    let outages: [SessionRole: Counter]

    init(registry: PrometheusCollectorRegistry) {
        let buckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500].map { .milliseconds($0) }
        slots = registry.makeCounter(name: "edge_slots_total")
        lateSlots = registry.makeCounter(name: "edge_slots_late_total")
        schedules = registry.makeCounter(name: "edge_schedules_sent_total")
        frames = registry.makeCounter(name: "edge_frames_sent_total")
        deadlineMisses = registry.makeCounter(name: "edge_deadline_misses_total")
        imagesScheduled = registry.makeCounter(name: "edge_robot_images_scheduled_total")
        solverErrors = registry.makeCounter(name: "edge_solver_errors_total")
        computeTime = registry.makeDurationHistogram(name: "edge_slot_compute_seconds", buckets: buckets)
        robotSolverTime = registry.makeDurationHistogram(name: "edge_robot_solver_seconds", buckets: buckets)
        userSolverTime = registry.makeDurationHistogram(name: "edge_user_solver_seconds", buckets: buckets)
        renderTime = registry.makeDurationHistogram(name: "edge_slot_render_seconds", buckets: buckets)
        robotPower = registry.makeGauge(name: "edge_robot_slot_power_watts")
        userPower = registry.makeGauge(name: "edge_user_slot_power_watts")
        frameBits = registry.makeGauge(name: "edge_irac_frame_bits")
        let roles: [SessionRole] = [.robot, .user]
        transmissions = Dictionary(
            uniqueKeysWithValues: roles.map {
                ($0, registry.makeCounter(name: "edge_link_transmissions_total", labels: [("role", $0.rawValue)]))
            })
        outages = Dictionary(
            uniqueKeysWithValues: roles.map {
                ($0, registry.makeCounter(name: "edge_link_outages_total", labels: [("role", $0.rawValue)]))
            })
    }
}
