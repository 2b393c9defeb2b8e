/// One line of the JSON-lines run log (`slot-log.jsonl` in the data directory): everything the
/// slot loop decided in one slot, so that a run over the network can be checked against the
/// clients' own reports and summarised like a `gs-lab` experiment.
struct SlotRecord: Codable, Sendable {
    /// A robot's decision (GSMR, first slot of its receding horizon).
    struct Robot: Codable, Sendable {
        var client: String
        var link: UInt32
        /// Upload the real image (1) or only the pose (0).
        var x: Int
        var powerW: Double
        /// Bits on the emulated uplink (I or S).
        var bits: Double
        /// The gain planned with (ChannelPredictor: the slot's report, or the large-scale mean).
        var gain: Double
        /// The gain came from the slot's own CHANNEL_REPORT.
        var channelReported: Bool
        var predictedLoss: Double
        /// The robot's POSE (or its plan) covered this slot; false when the server extrapolated.
        var exactPose: Bool
        /// Slot of the POSE the server planned with (its own pose, or a plan from an earlier one).
        var poseSlot: UInt64
        /// Horizon length W used.
        var horizon: Int
        /// Per-slot power budget of this horizon (energy-tracked, W).
        var horizonBudgetW: Double
        var feasible: Bool
        var solverMilliseconds: Double
    }

    /// A user's decision (ECO-GS IRAC).
    struct User: Codable, Sendable {
        var client: String
        var link: UInt32
        /// Edge-rendered frame (1) or local small-model render (0).
        var x: Int
        var powerW: Double
        /// Bits on the emulated downlink as planned (D when x = 1, else 0).
        var bits: Double
        /// The gain planned with (ChannelPredictor: the slot's report, or the large-scale mean).
        var gain: Double
        /// The gain came from the slot's own CHANNEL_REPORT.
        var channelReported: Bool
        /// The user's POSE (or its plan) covered this slot; false when the server extrapolated.
        var exactPose: Bool
        /// Slot of the POSE the server planned with (its own pose, or a plan from an earlier one).
        var poseSlot: UInt64
        /// Δ_k from the probe renders.
        var delta: Double
        /// Slots since Δ_k was probed (nil: not probed yet, Δ = 0).
        var deltaAgeSlots: UInt64?
        var expectedRateBps: Double
        /// When the FRAME was ready, ms after the slot start (x = 1 only).
        var frameReadyMilliseconds: Double?
        /// The server could not deliver the frame by t_e + D/R ≤ T_max (D: the encoded size
        /// when `irac.frame_bits_source` is measured).
        var deadlineMiss: Bool
        /// Bits of the PNG sent (x = 1 and sent only).
        var encodedBits: Double? = nil
        /// Rendering the FRAME, and encoding it as PNG (x = 1 and rendered on this edge only).
        var renderMilliseconds: Double? = nil
        var encodeMilliseconds: Double? = nil
    }

    var slot: UInt64
    var late: Bool
    /// The slot's own work, from when it began to its last FRAME.
    var computeMilliseconds: Double
    /// CPU time the daemon process used meanwhile (all threads: render workers, event loops).
    var cpuMilliseconds: Double
    /// How long after its boundary the slot began (> 0 only after a late slot).
    var lagMilliseconds: Double
    /// After the slot: folding uploaded images into the memory-bias map (renders and GS losses).
    var observeMilliseconds: Double
    /// After the slot: Δ_k probes for the next slot (renders and GS losses).
    var probeMilliseconds: Double
    /// Rendering and encoding the FRAMEs.
    var renderMilliseconds: Double
    var robotSolver: String
    var userSolver: String
    var robotSolverMilliseconds: Double
    var userSolverMilliseconds: Double
    var userPowerW: Double
    var userPowerBudgetW: Double
    var robots: [Robot]
    var users: [User]
    /// Clients without a pose yet (sent an idle SCHEDULE: x = 0, p = 0).
    var idleClients: [String]
    /// Images from robots folded into the memory-bias map after this slot.
    var imagesObserved: Int
    /// Mean GS loss of those images against the memory's renders at their poses (nil: none).
    var observedLoss: Double? = nil
    /// The model version serving when the slot began: the memory its FRAMEs and L_t came from.
    var modelVersion = 0
    /// The FRAME size D in bits IRAC planned this slot with (``FrameBitsEstimate``).
    var frameBits: Double? = nil
}
