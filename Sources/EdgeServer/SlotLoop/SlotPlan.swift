import Protocol

/// What one slot is to do, as a value: the SCHEDULEs, the FRAMEs to render and the slot
/// record's decisions. Policies return one each; the loop merges them (``merged(with:)``) and
/// ``SlotExecutor`` carries it out.
struct SlotPlan: Sendable {
    /// A SCHEDULE for one session.
    struct Send: Sendable, Equatable {
        var sessionID: UInt64
        var schedule: Schedule
    }

    /// A FRAME to render at `pose` for the user at `userIndex` of ``users``, due `airtimeSeconds`
    /// of downlink (D/R as planned) before the latency budget ends.
    struct FrameJob: Sendable, Equatable {
        var sessionID: UInt64
        var userIndex: Int
        var pose: Pose
        var airtimeSeconds: Double
        /// The planned downlink rate R.
        var rateBitsPerSecond: Double
        /// The emulated downlink carries the encoded PNG (D measured), not the configured D.
        var airsEncodedBits = false

        /// The FRAME's airtime on the emulated downlink once it is encoded in `encodedBits`:
        /// what the deadline t_e + D/R ≤ T_max is checked with.
        func airtimeSeconds(encodedBits: Double?) -> Double {
            guard airsEncodedBits, let encodedBits else { return airtimeSeconds }
            return encodedBits / max(rateBitsPerSecond, .leastNormalMagnitude)
        }
    }

    /// What a robot's mixed-reality frame shows this slot (``MixedRealityBoard``).
    struct MixedReality: Sendable {
        var clientID: String
        var decision: MixedRealityBoard.Decision
        /// The robot's newest uploaded image, for the board's real part.
        var image: CapturedImage?
    }

    var schedules: [Send] = []
    var frames: [FrameJob] = []
    var mixedReality: [MixedReality] = []
    var robots: [SlotRecord.Robot] = []
    var users: [SlotRecord.User] = []
    /// Sessions this plan decided for (the rest of the policies' roles get idle SCHEDULEs).
    var planned: Set<UInt64> = []
    var robotSolverSeconds = 0.0
    var userSolverSeconds = 0.0
    /// Solver runs that ended infeasible or in an error (the plan then holds a safe fallback).
    var solverFailures = 0
    /// Robots told to upload their image.
    var imagesScheduled = 0
    /// The FRAME size D in bits IRAC planned with (nil: no policy plans FRAMEs).
    var frameBits: Double?

    /// Both plans; frame jobs keep pointing at their users.
    func merged(with other: SlotPlan) -> SlotPlan {
        var merged = self
        merged.schedules += other.schedules
        merged.frames += other.frames.map { job in
            var shifted = job
            shifted.userIndex += users.count
            return shifted
        }
        merged.mixedReality += other.mixedReality
        merged.robots += other.robots
        merged.users += other.users
        merged.planned.formUnion(other.planned)
        merged.robotSolverSeconds += other.robotSolverSeconds
        merged.userSolverSeconds += other.userSolverSeconds
        merged.solverFailures += other.solverFailures
        merged.imagesScheduled += other.imagesScheduled
        merged.frameBits = frameBits ?? other.frameBits
        return merged
    }
}
