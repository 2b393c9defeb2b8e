import Foundation
import Optimizers

extension STTGSSweepCommand {
    /// The optional cluster-size-weighted FDC estimator, next to the paper's: the same k-means
    /// clustering and pilots as `fdc` (same seeds), but ψ_k = Σ_c (|c|/|D_k|)·ℓ(pilot_c) instead
    /// of the plain mean over pilots (eq. 17), so a long stop covered by one cluster counts by
    /// its dwell time, as it does in π_k. Rows are labelled `fdc-weighted`.
    func weightedFDCRow(ratio: Double, bank: STTGSDatasetBank) throws -> [CustomStringConvertible] {
        var errors = PredictionErrors()
        for seed in 1...UInt64(seeds) {
            let scenario = STTGSScenario(clients: 5, seed: seed)
            let data = bank.datasets(for: scenario).data
            for (k, count) in scenario.datasetSizes().images.enumerated() {
                let features = data.features(client: k)
                let clustering = try KMeans(clusterCount: PilotSampling.pilotCount(ratio: ratio, images: count), seed: seed &+ UInt64(k))
                    .fit(features)
                var sizes = [Int](repeating: 0, count: clustering.centroids.count)
                for cluster in clustering.assignment { sizes[cluster] += 1 }
                let pilots = clustering.representatives(of: features)
                let estimate = zip(pilots, sizes).reduce(0.0) { $0 + Double($1.1) * data.loss(client: k, image: $1.0) }
                errors.add(predicted: estimate, truth: LossPrediction.trueDatasetLoss(client: k, images: count, source: data), images: count)
            }
        }
        return [ratio, "fdc-weighted"] + errors.cells
    }
}
