import Foundation
import SlotModel

extension CollectionRound {
    /// The committed uploads of a stage: per participant index, the upload and its samples.
    typealias Arrivals = [Int: (RoundReport.Upload, [CollectedSample])]

    /// After stage 2: adds the pilots and the arrived datasets to the training set, computes the
    /// true losses (the edge's for arrived datasets, the collector's own for the rest), the
    /// prediction errors, what was collected, and the outages.
    func aggregate(_ report: inout RoundReport, pilots: Arrivals, pilotLosses: [Int: [Double?]], datasets: Arrivals) async throws {
        let aggregationStarted = ContinuousClock.now
        let writer = RoundDatasetWriter(dataDirectory: dependencies.dataDirectory, catalog: dependencies.catalog)
        var collected = 0.0, collectedTruth = 0.0, errors: [Double] = []
        for k in participants.indices {
            let client = participants[k].session.clientID
            report.collectors[k].datasetUploadBegun =
                (try? await dependencies.store.progress(participants[k].uploadKey(round: index, kind: .dataset))) != nil
            if let (_, samples) = pilots[k], let perImage = pilotLosses[k] {
                report.samplesAggregated += try writer.add(round: index, client: client, kind: "pilot", samples: samples, losses: perImage)
            }
            if report.collectors[k].selected, datasets[k] == nil { report.collectors[k].datasetOutage = true }
            if let (upload, samples) = datasets[k] {
                report.collectors[k].dataset = upload
                let perImage = await losses.losses(of: samples)
                report.samplesAggregated += try writer.add(round: index, client: client, kind: "dataset", samples: samples, losses: perImage)
                let truth = (perImage + (pilotLosses[k] ?? [])).compactMap { $0 }.reduce(0, +)
                report.collectors[k].trueLoss = truth
                report.collectors[k].trueLossSource = "edge"
                collected += report.collectors[k].predictedLoss ?? 0
                collectedTruth += truth
            } else if let reported = participants[k].reportedTrueLoss {
                report.collectors[k].trueLoss = reported
                report.collectors[k].trueLossSource = "collector"
            }
            if let truth = report.collectors[k].trueLoss, truth > 0, let prediction = report.collectors[k].predictedLoss {
                report.collectors[k].predictionError = (prediction - truth) / truth
                errors.append(abs(prediction - truth) / truth)
            }
        }
        report.collectedObjective = collected
        report.collectedTrueLoss = collectedTruth
        report.meanAbsolutePredictionError = errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
        report.datasetOutages = report.collectors.filter(\.datasetOutage).count
        metrics.datasetOutages.increment(by: Int64(report.datasetOutages))
        metrics.samplesAggregated.increment(by: Int64(report.samplesAggregated))
        report.aggregationWallSeconds = (ContinuousClock.now - aggregationStarted).seconds
    }
}
