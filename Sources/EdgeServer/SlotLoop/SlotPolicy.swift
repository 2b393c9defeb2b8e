import Protocol
import Training

/// One paper's scheduler in the slot loop (ARCHITECTURE.md "How to add a policy").
///
/// Each slot the loop hands every policy the same ``SlotSnapshot`` and merges the ``SlotPlan``s
/// they return; ``SlotExecutor`` then sends, renders, logs and counts. A policy decides in
/// values: it reads the snapshot (and what it remembers from earlier slots), never a socket, a
/// session or a clock, so its plans can be tested in process. Its renders are asked for through
/// the plan (FRAME jobs) or done in ``prepare(_:renderer:)`` between slots.
protocol SlotPolicy: Sendable {
    /// The roles this policy schedules: a connected client of such a role that no policy
    /// planned for gets an idle SCHEDULE (x = 0, p = 0).
    var roles: Set<SessionRole> { get }

    /// The slot's decisions for the policy's clients.
    mutating func plan(_ snapshot: SlotSnapshot) -> SlotPlan

    /// What the executor measured while carrying out the slot's plan.
    mutating func observe(_ outcome: SlotOutcome)

    /// Work for the next slot, done between slots within their time (renders behind the
    /// policy's estimates). `snapshot` is fresh and already numbered with the next slot.
    mutating func prepare(_ snapshot: SlotSnapshot, renderer: SlotRenderer) async -> SlotPreparation
}

extension SlotPolicy {
    mutating func observe(_ outcome: SlotOutcome) {}
    mutating func prepare(_ snapshot: SlotSnapshot, renderer: SlotRenderer) async -> SlotPreparation { SlotPreparation() }
}

/// What the executor measured in one slot.
struct SlotOutcome: Sendable {
    /// When rendering began, seconds after the slot's start.
    var renderStartSeconds: Double
    /// When the last FRAME was sent, seconds after the slot's start (nil when none was).
    var lastFrameSeconds: Double?
    var framesRendered: Int
    /// The encoded size in bits of each FRAME sent (rendered here or relayed), in job order.
    var encodedFrameBits: [Double] = []
}

/// The between-slot work one policy did.
struct SlotPreparation: Sendable {
    /// Uploaded images folded into the policy's estimates.
    var imagesObserved = 0
    var observeMilliseconds = 0.0
    var probeMilliseconds = 0.0
    /// Those images as posed views of reality, for the memory's updates.
    var uploadedViews: [TrainingView] = []
    /// Sum of their GS losses against the memory's renders.
    var observedLossSum = 0.0

    static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            imagesObserved: lhs.imagesObserved + rhs.imagesObserved,
            observeMilliseconds: lhs.observeMilliseconds + rhs.observeMilliseconds,
            probeMilliseconds: lhs.probeMilliseconds + rhs.probeMilliseconds, uploadedViews: lhs.uploadedViews + rhs.uploadedViews,
            observedLossSum: lhs.observedLossSum + rhs.observedLossSum)
    }
}
