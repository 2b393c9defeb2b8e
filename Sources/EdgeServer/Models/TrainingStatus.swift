import NIOConcurrencyHelpers

/// The `model` part of `/v1/status`: the serving version and the training service's progress.
struct TrainingStatus: Codable, Sendable, Equatable {
    /// The version FRAMEs are rendered from (0 until the slot loop or the rounds run).
    var servingVersion = 0
    /// Whether a fine-tuning run is under way, on what (`round <r>` or `memory`; `round` names
    /// a round's), and how far.
    var training = false
    var job: String?
    var round: Int?
    var iteration = 0
    var iterations = 0
    /// Mean loss of the last steps.
    var loss: Double?
    /// The scheduling the training thread got (`sched_idle`, `nice_19`, `normal`).
    var threadPolicy: String?
    /// Runs finished, and the last one's outcome.
    var runsCompleted = 0
    var lastVersion: Int?
    var lastPromoted: Bool?
    var lastError: String?
    /// The users' small model that serves (ECO-GS), and its distillation.
    var small = SmallModelStatus()
}

/// The `GET /v1/models` document.
struct ModelListing: Codable, Sendable, Equatable {
    var serving: Int
    var versions: [ModelVersion]
}

/// What `/v1/status` and `/v1/models` show of the models, kept in memory so that neither reads
/// SQLite on an event loop: the training service and the repository write, the routes read.
final class ModelBoard: Sendable {
    private let state = NIOLockedValueBox((status: TrainingStatus(), versions: [ModelVersion]()))

    var status: TrainingStatus { state.withLockedValue { $0.status } }

    var listing: ModelListing { state.withLockedValue { ModelListing(serving: $0.status.servingVersion, versions: $0.versions) } }

    func update(_ body: (inout TrainingStatus) -> Void) { state.withLockedValue { body(&$0.status) } }

    /// Replaces the version list (after the repository added one).
    func show(versions: [ModelVersion]) { state.withLockedValue { $0.versions = versions } }
}
