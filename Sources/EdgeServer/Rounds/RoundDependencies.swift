import Logging

/// What the collection rounds use of the daemon: the collectors' sessions, the store their
/// uploads land in and its catalog, the shared render workers (for S′'s losses), the live view, and where
/// reports and datasets go.
struct RoundDependencies: Sendable {
    var sessions: SessionRegistry
    var store: UploadStore
    var catalog: Catalog
    var metrics: RoundMetrics
    var renderer: SlotRenderer
    /// The live view's round panel.
    var liveView: LiveViewBoard
    var logger: Logger
    var dataDirectory: String
    /// Told the index of every round that stored samples, once its report is written (the
    /// training service's input; nil: nobody listens).
    var trainingJobs: AsyncStream<TrainingJob>.Continuation? = nil
}
