import Training

/// When GSMR's memory learns from the robots (GSMR §IV-A: the memory is a GS model trained on
/// pose–image pairs of the route). Every image a robot uploads in place of its pose (x = 1)
/// shows reality where the memory was predicted to be wrong; the planner keeps the most recent
/// `capacity` of them and, every `interval` seconds once `minimumNewImages` arrived since the
/// last update and no training run is under way, hands them to the training service as one
/// ``TrainingSet``. A promoted update makes the memory's renders closer to reality there, the
/// memory-bias map sees lower losses in the next images from those places, and APO asks for
/// fewer images (the image share falls as the memory learns the route).
///
/// The hold-out is by arrival: every `holdOutEvery`-th image is only ever measured on, so an
/// update is judged (and promoted or not, ``ModelFineTuning/promotes(before:after:)``) on
/// images it did not train on. Beyond the paper, which trains its memory once, offline.
struct MemoryUpdatePlanner: Sendable {
    /// The `training.memory_update_*` settings.
    struct Settings: Sendable, Equatable {
        /// Seconds between updates at the most (`training.memory_update_s`); 0 turns updates off.
        var interval: Double
        /// New images needed since the last update (`training.memory_update_min_images`).
        var minimumNewImages: Int
        /// Most recent images kept, training and held-out (`training.memory_update_images`).
        var capacity: Int
        /// Every n-th image is held out (`training.hold_out_every`).
        var holdOutEvery: Int
    }

    /// Where the slot loop sends the sets (the training service's queue) and how it learns that
    /// a run is under way.
    struct Outlet: Sendable {
        var settings: Settings
        var jobs: AsyncStream<TrainingJob>.Continuation
        var isTraining: @Sendable () -> Bool
    }

    let settings: Settings
    private var kept: [(arrival: Int, view: TrainingView)] = []
    private var arrived = 0
    private var newSinceUpdate = 0
    private var lastUpdate: Double

    /// A planner whose first update is due `interval` seconds after `start`.
    init(settings: Settings, start: Double) {
        self.settings = settings
        lastUpdate = start
    }

    /// Images kept now.
    var count: Int { kept.count }

    /// Keeps `views` (in arrival order), dropping the oldest past `capacity`.
    mutating func add(_ views: [TrainingView]) {
        for view in views {
            kept.append((arrived, view))
            arrived += 1
        }
        newSinceUpdate += views.count
        if kept.count > settings.capacity { kept.removeFirst(kept.count - settings.capacity) }
    }

    /// The set to train on at `time` (seconds, the clock of `start`), or nil while an update is
    /// not due, the images are too few, or a run is still training.
    mutating func update(at time: Double, trainingBusy: Bool) -> TrainingSet? {
        guard settings.interval > 0, !trainingBusy, time - lastUpdate >= settings.interval,
            newSinceUpdate >= settings.minimumNewImages
        else { return nil }
        let held = kept.filter { $0.arrival % settings.holdOutEvery == 0 }.map(\.view)
        let train = kept.filter { $0.arrival % settings.holdOutEvery != 0 }.map(\.view)
        guard !held.isEmpty, !train.isEmpty else { return nil }
        lastUpdate = time
        newSinceUpdate = 0
        return TrainingSet(source: .robotImages, train: train, test: held, rounds: [])
    }
}
