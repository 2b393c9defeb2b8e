import NIOConcurrencyHelpers

/// The `/v1/status` document.
struct StatusReport: Codable, Sendable, Equatable {
    var version: String
    var uptimeSeconds: Double
    var draining: Bool
    /// Sessions by role name, including detached sessions inside their resume window.
    var sessions: [String: Int]
    /// Sessions with a live connection, by role name.
    var connectedSessions: [String: Int]
    var slots: SlotStatistics
    var store: StoreUsage
    /// The serving model version and the training service's progress.
    var model: TrainingStatus
}

/// What the slot loop reports about itself (zeros until a slot loop runs).
struct SlotStatistics: Codable, Sendable, Equatable {
    /// Whether a slot loop service is running.
    var running = false
    /// The slot length τ in milliseconds.
    var slotMilliseconds = 0.0
    var slotsCompleted = 0
    /// Slots whose computation ran past the slot boundary.
    var lateSlots = 0
    /// Compute time of the last slot in milliseconds.
    var lastComputeMilliseconds = 0.0
    /// Where IRAC's FRAME size D comes from (`irac.frame_bits_source`; nil until a slot loop runs).
    var frameBitsSource: String? = nil
    /// The D in bits the last slot planned with (nil until a slot loop runs).
    var frameBits: Double? = nil
}

/// Shared, thread-safe slot statistics: the slot loop writes, `/v1/status` reads.
final class SlotStatisticsBox: Sendable {
    private let box = NIOLockedValueBox(SlotStatistics())

    var value: SlotStatistics { box.withLockedValue { $0 } }

    func update(_ body: (inout SlotStatistics) -> Void) { box.withLockedValue { body(&$0) } }
}
