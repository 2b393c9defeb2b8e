import Optimizers
import Protocol
import SlotModel
import Wireless

/// The slot loop's settings (`[gsmr]`, `[irac]`, `[world]` in the TOML file; τ is
/// `slot.length_ms`). Defaults follow the papers' parameters; docs/OPERATIONS.md lists them.
struct SlotLoopConfiguration: Sendable, Equatable {
    /// How the robots' per-frame loss L_t is predicted.
    enum LossEstimator: String, Sendable, Equatable, CaseIterable {
        /// The memory-bias map: observed loss of uploaded images, per floor cell.
        case memoryMap = "memory-map"
        /// The client's own reported loss for the current slot (experiments), map for the rest.
        case oracle
    }

    /// How `qgs` and `qgs-penalty` decide in the live loop (`gsmr.low_power_policy`).
    enum LowPowerPolicy: String, Sendable, Equatable, CaseIterable {
        /// The paper's Q_GS solved on each robot's receding horizon, with the run's loss account.
        case horizon
        /// Q_GS's Lagrangian, frame by frame at the reported channel (``LowPowerPrice``).
        case price
    }

    /// How the users' small model is made (`world.small_model`).
    enum SmallModelSource: String, Sendable, Equatable, CaseIterable {
        /// The memory scene pruned to `world.small_fraction` (SH 0, area-compensated).
        case pruned
        /// That pruned copy distilled from the serving large model's renders (ECO-GS Table I's
        /// trained device model; ``SmallModelService``).
        case distilled
    }

    /// GSCLO solver for robots (`gsmr.solver`).
    var gsmrSolver = GSCLOSolverName.apo
    /// BILS's outage target ε per frame (`gsmr.epsilon`; the paper's 0.1).
    var outageTarget = 0.1
    /// r in BILS's estimation error variance ω² = r·|h̃|² (`gsmr.omega2_relative`; the paper's 0.04).
    var estimationErrorRelative = 0.04
    /// The low-power solvers' loss threshold L_th (`gsmr.loss_threshold`).
    var lossThreshold = 0.03
    /// How Q_GS decides live (`gsmr.low_power_policy`).
    var lowPowerPolicy = LowPowerPolicy.horizon
    /// Antennas N of the edge's robot uplink receiver (`gsmr.antennas`; 1 is GSMR's scalar
    /// uplink). With N > 1 the robots of a slot share the receiver (GSMR §VI-B).
    var uplinkAntennas = 1
    /// How robots sharing the receiver are received (`gsmr.multi_robot`): `zf` plans them jointly
    /// with zero forcing, `mrc` independently (their interference is left to the air).
    var multiRobot = UplinkCombiner.mrc
    /// Receding horizon W, the most future slots planned (`gsmr.horizon`).
    var gsmrHorizon = 8
    /// Average transmit power budget per robot P in watts (`gsmr.power_w`).
    var robotPowerBudget = 0.01
    /// Image size I in bits on the emulated uplink (`gsmr.image_bits`; the paper's 537 600).
    var robotImageBits = 537_600.0
    /// Pose size S in bits (`gsmr.pose_bits`).
    var robotPoseBits = 192.0
    /// L_t estimator (`gsmr.loss_estimator`: memory-map or oracle).
    var lossEstimator = LossEstimator.memoryMap
    /// Prior loss of a floor cell no image has been seen for (`gsmr.loss_prior`).
    var lossPrior = 0.05
    /// Side of a memory-bias map cell in metres (`gsmr.map_cell_m`).
    var mapCellMetres = 1.0
    /// Most uploaded images folded into the map per slot (`gsmr.observations_per_slot`): each
    /// costs a memory render and a GS loss.
    var observationsPerSlot = 2
    /// Resolution of a robot's MR frame when it is composed from the GS render
    /// (`gsmr.mr_size`; an uploaded image keeps its own size).
    var mixedRealitySize = ImageSize(width: 64, height: 48)!

    /// IRAC solver for users (`irac.solver`).
    var iracSolver = IRACSolverName.pmm
    /// Downlink power budget P in watts (`irac.power_w`).
    var userPowerBudget = 5e-3
    /// Most users rendered for per slot K_max (`irac.max_users`).
    var maxRenderedUsers = 5
    /// Latency budget T_max in seconds (`irac.latency_s`).
    var latencyBudget = 0.1
    /// Frame size D in bits on the emulated downlink (`irac.frame_bits`; the paper's 16 Mbit):
    /// D itself, or the estimate's prior when D is measured (``FrameBitsEstimate``).
    var frameBits = 16e6
    /// Whether D is `irac.frame_bits` or measured from the encoded FRAMEs
    /// (`irac.frame_bits_source`).
    var frameBitsSource = FrameBitsSource.configured
    /// Encoded FRAMEs a measured D is taken over (`irac.frame_bits_window`).
    var frameBitsWindow = 50
    /// Quantile of their sizes a measured D is (`irac.frame_bits_quantile`; 1: the largest).
    var frameBitsQuantile = 1.0
    /// Slots over which t_e is the largest measured time to the last FRAME
    /// (`irac.edge_latency_window`).
    var edgeLatencyWindow = 50
    /// Guard added to that maximum, relative (`irac.edge_latency_margin`).
    var edgeLatencyMargin = 0.1
    /// Resolution of the Δ_k probe renders (`irac.probe_size`).
    var probeSize = ImageSize(width: 32, height: 24)!
    /// Most users whose Δ_k is re-probed per slot (`irac.probes_per_slot`): each probe costs two
    /// renders and a GS loss.
    var probesPerSlot = 4
    /// Resolution of FRAMEs sent to served users (`irac.frame_size`).
    var frameSize = ImageSize(width: 128, height: 96)!

    /// Seed of the procedural world (`world.seed`).
    var worldSeed: UInt64 = 1
    /// Gaussians in the world's memory scene (`world.gaussians`).
    var worldGaussians = 20_000
    /// Fraction of Gaussians kept in the users' small model (`world.small_fraction`).
    var smallFraction = 0.1
    /// How the users' small model is made (`world.small_model`).
    var smallModel = SmallModelSource.pruned
    /// Distillation steps of the distilled small model (`world.small_iterations`).
    var smallIterations = 300
    /// Render worker pool size (`world.render_workers`; default 2).
    var renderWorkers = 2

    /// The largest payload the daemon may have to send or receive in one binary frame: a HELLO,
    /// or a FRAME at ``frameSize``: raw RGB, or a PNG of at most its filtered rows (one filter
    /// byte each) after zlib's worst case (deflateBound: stored blocks and the zlib wrapper),
    /// cut by libpng into IDAT chunks of PNG_ZBUF_SIZE (8 KiB, 12 bytes of chunk framing each),
    /// plus room for the other chunks and the message's own fields. The chunk framing alone is
    /// 0.15 % of the image: a flat allowance, enough at 640×480, falls short from about 1 Mpixel.
    var largestServerPayload: Int {
        let filtered = 3 * frameSize.width * frameSize.height + frameSize.height
        let deflated = filtered + filtered >> 12 + filtered >> 14 + filtered >> 25 + 19
        let chunked = deflated + 12 * ((deflated + 8191) / 8192)
        return max(Hello.maxPayloadLength, chunked + 4096)
    }

    /// Checks names and ranges.
    func validate() throws(ConfigurationError) {
        guard outageTarget.isFinite, outageTarget > 0, outageTarget < 1 else { throw .invalid("gsmr.epsilon", "must be in (0, 1)") }
        guard estimationErrorRelative.isFinite, (0...100).contains(estimationErrorRelative) else {
            throw .invalid("gsmr.omega2_relative", "must be in [0, 100]")
        }
        guard lossThreshold.isFinite, lossThreshold >= 0 else { throw .invalid("gsmr.loss_threshold", "must be finite and ≥ 0") }
        guard (1...64).contains(uplinkAntennas) else { throw .invalid("gsmr.antennas", "must be in 1...64") }
        guard (1...256).contains(gsmrHorizon) else { throw .invalid("gsmr.horizon", "must be in 1...256") }
        for (key, value) in [
            ("gsmr.power_w", robotPowerBudget), ("gsmr.image_bits", robotImageBits), ("gsmr.pose_bits", robotPoseBits),
            ("gsmr.map_cell_m", mapCellMetres), ("irac.latency_s", latencyBudget), ("irac.frame_bits", frameBits),
        ] where !(value.isFinite && value > 0) {
            throw .invalid(key, "must be a finite number > 0")
        }
        // SCHEDULE carries the latency budget as u32 microseconds.
        guard latencyBudget <= 4000 else { throw .invalid("irac.latency_s", "must be at most 4000 s") }
        guard lossPrior.isFinite, lossPrior >= 0 else { throw .invalid("gsmr.loss_prior", "must be finite and ≥ 0") }
        guard userPowerBudget.isFinite, userPowerBudget >= 0 else { throw .invalid("irac.power_w", "must be finite and ≥ 0") }
        guard maxRenderedUsers >= 0 else { throw .invalid("irac.max_users", "must be ≥ 0") }
        guard worldGaussians >= 1000 else { throw .invalid("world.gaussians", "must be ≥ 1000") }
        guard smallFraction > 0, smallFraction <= 1 else { throw .invalid("world.small_fraction", "must be in (0, 1]") }
        guard (1...100_000).contains(smallIterations) else { throw .invalid("world.small_iterations", "must be in 1...100000") }
        guard renderWorkers >= 1 else { throw .invalid("world.render_workers", "must be ≥ 1") }
        guard observationsPerSlot >= 1 else { throw .invalid("gsmr.observations_per_slot", "must be ≥ 1") }
        guard (1...100_000).contains(edgeLatencyWindow) else { throw .invalid("irac.edge_latency_window", "must be in 1...100000") }
        guard edgeLatencyMargin.isFinite, (0...1).contains(edgeLatencyMargin) else {
            throw .invalid("irac.edge_latency_margin", "must be in [0, 1]")
        }
        guard probesPerSlot >= 1 else { throw .invalid("irac.probes_per_slot", "must be ≥ 1") }
        guard (1...100_000).contains(frameBitsWindow) else { throw .invalid("irac.frame_bits_window", "must be in 1...100000") }
        guard frameBitsQuantile.isFinite, frameBitsQuantile > 0, frameBitsQuantile <= 1 else {
            throw .invalid("irac.frame_bits_quantile", "must be in (0, 1]")
        }
        // Clients decode with the protocol's default payload limit (SplatClient), whatever the
        // daemon's limits.max_frame_bytes: a FRAME larger than that would cut every user off.
        guard largestServerPayload <= CodecConfiguration.defaultMaxPayloadLength else {
            throw .invalid(
                "irac.frame_size",
                "\(frameSize) may need \(largestServerPayload) bytes per FRAME, more than clients accept (\(CodecConfiguration.defaultMaxPayloadLength))"
            )
        }
    }
}
