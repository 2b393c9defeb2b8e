/// One `state` event of the live view's stream (`GET /ui/events`), as the page receives it:
/// every connected client with its newest decision, the per-slot history points since the
/// previous event (all kept points in a viewer's first event), the STT-GS round in progress
/// and the `/v1/status` document, whose fields other services add to (training, model
/// versions, placement) appear on the page as their own panels.
struct LiveViewState: Encodable, Sendable {
    /// The newest slot the loop completed (nil before the first).
    var slot: UInt64?
    var slotMilliseconds: Double
    var robotSolver: String?
    var userSolver: String?
    var clients: [LiveViewClient]
    var points: [LiveViewPoint]
    var round: LiveViewRound?
    var status: StatusReport?
}

/// A connected client and what the newest slot decided for it.
struct LiveViewClient: Encodable, Sendable, Equatable {
    var client: String
    var role: String
    /// Whether its connection is attached (false: inside its resume window).
    var connected: Bool
    /// The slot of the decision below (nil: no slot has planned for it yet).
    var slot: UInt64?
    /// Upload the image (robots, GSMR) or render at the edge (users, ECO-GS); 0 when idle.
    var x: Int?
    var powerW: Double?
    /// GSMR's predicted loss L of a robot's slot, or ECO-GS's Δ_k of a user.
    var loss: Double?
    var bits: Double?
    var expectedRateBps: Double?
    var frameReadyMilliseconds: Double?
    var deadlineMiss: Bool?
    /// The server planned with the client's own pose (false: extrapolated).
    var exactPose: Bool?
}

/// One slot as the charts plot it.
struct LiveViewPoint: Encodable, Sendable, Equatable {
    var slot: UInt64
    var computeMilliseconds: Double
    var late: Bool
    var deadlineMisses: Int
    /// Σ robot power and Σ user power of the slot (W).
    var robotPowerW: Double
    var userPowerW: Double
    /// Mean GSMR predicted loss L over the slot's robots (nil: no robot planned).
    var robotLoss: Double?
    /// Mean over the slot's users of (1 − x_k)·Δ_k: the GS loss users see from their local
    /// small model where the edge does not serve them (ECO-GS's objective term; nil: no user).
    var userLoss: Double?
    var usersServed: Int
    var robotImages: Int
}

extension LiveViewPoint {
    /// The chart point of a slot's record.
    init(_ record: SlotRecord) {
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        self.init(
            slot: record.slot, computeMilliseconds: record.computeMilliseconds, late: record.late,
            deadlineMisses: record.users.filter(\.deadlineMiss).count,
            robotPowerW: record.robots.map(\.powerW).reduce(0, +), userPowerW: record.userPowerW,
            robotLoss: mean(record.robots.map(\.predictedLoss)),
            userLoss: mean(record.users.map { Double(1 - $0.x) * $0.delta }),
            usersServed: record.users.filter { $0.x == 1 }.count, robotImages: record.robots.filter { $0.x == 1 }.count)
    }
}

extension LiveViewClient {
    /// A robot's decision from the slot record.
    mutating func apply(_ robot: SlotRecord.Robot, slot: UInt64) {
        self.slot = slot
        x = robot.x
        powerW = robot.powerW
        loss = robot.predictedLoss
        bits = robot.bits
        exactPose = robot.exactPose
    }

    /// A user's decision from the slot record.
    mutating func apply(_ user: SlotRecord.User, slot: UInt64) {
        self.slot = slot
        x = user.x
        powerW = user.powerW
        loss = user.delta
        bits = user.bits
        expectedRateBps = user.expectedRateBps
        frameReadyMilliseconds = user.frameReadyMilliseconds
        deadlineMiss = user.deadlineMiss
        exactPose = user.exactPose
    }
}

/// The STT-GS collection round in progress (or the last one).
struct LiveViewRound: Encodable, Sendable, Equatable {
    enum Stage: String, Encodable, Sendable {
        case pilots = "pilot_upload"
        case selection
        case datasets = "dataset_upload"
        case aggregation
        case done
        case failed
    }

    /// A collector's part in the round.
    struct Collector: Encodable, Sendable, Equatable {
        var client: String
        var selected: Bool?
        var powerW: Double?
        var pilotCommitted = false
        var datasetCommitted = false
        var outage = false
    }

    var round: UInt64
    var stage: Stage
    var solver: String
    var collectors: [Collector]
    /// Uploads committed in the current upload stage, and how many it waits for.
    var uploadsCommitted = 0
    var uploadsExpected = 0
    var objective: Double?
}
