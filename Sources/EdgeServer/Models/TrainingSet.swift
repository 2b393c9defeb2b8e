import Training

/// What one fine-tuning run (``ModelFineTuning``) trains on and measures on.
struct TrainingSet: Sendable {
    /// Where the views came from.
    enum Source: Sendable, Equatable {
        /// STT-GS step 8: the samples collection rounds stored.
        case round
        /// GSMR's memory update: images robots uploaded in place of a pose (x = 1), which show
        /// reality where the memory was predicted to be wrong (GSMR §IV-A trains the memory on
        /// such pose–image pairs).
        case robotImages

        /// The catalog's `source` for a version trained on such a set.
        var versionSource: String {
            switch self {
            case .round: "trained"
            case .robotImages: "memory"
            }
        }
    }

    var source: Source
    var train: [TrainingView]
    /// Held-out views: PSNR/SSIM before and after decide the promotion.
    var test: [TrainingView]
    /// Rounds whose samples it holds (empty for robots' images).
    var rounds: [Int]

    /// For logs and errors.
    var description: String {
        switch source {
        case .round: "round \(rounds.last.map(String.init) ?? "?")'s set"
        case .robotImages: "the robots' image set"
        }
    }
}

/// One fine-tuning run the ``TrainingService`` is asked for.
enum TrainingJob: Sendable {
    /// Train on round `r`'s stored samples (``ModelFineTuning/roundSet(_:)``).
    case round(Int)
    /// Update the memory from robots' images (``MemoryUpdatePlanner``).
    case robotImages(TrainingSet)

    /// For `/v1/status` and logs: `round <r>` or `memory`.
    var name: String {
        switch self {
        case .round(let round): "round \(round)"
        case .robotImages: "memory"
        }
    }
}
