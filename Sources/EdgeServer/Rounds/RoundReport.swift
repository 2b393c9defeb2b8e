import Foundation
import Optimizers

/// What one STT-GS round did, written as `rounds/round-<r>.json` (and a table, `.txt`) in the
/// data directory. Times are emulated seconds unless named `wall`.
struct RoundReport: Codable, Sendable {
    /// One collector's part in the round.
    struct Collector: Codable, Sendable {
        var client: String
        var link: UInt32
        var position: [Double]
        var items: Int
        var pilots: Int
        var bitsPerSample: Double
        var pilotPowerW: Double
        var pilotExpectedRateBps: Double
        var pilot: Upload?
        var pilotOutage: Bool
        /// ψ_k: mean ℓ(pilot image, S′ render) over the pilots.
        var meanPilotLoss: Double?
        /// π̃_k = |D_k|·ψ_k.
        var predictedLoss: Double?
        /// π_k = Σ ℓ over D_k: edge-computed when the dataset arrived, else collector-reported.
        var trueLoss: Double?
        /// `edge` or `collector`.
        var trueLossSource: String?
        /// (π̃_k − π_k) / π_k.
        var predictionError: Double?
        var selected: Bool
        var powerW: Double
        var expectedRateBps: Double
        var dataset: Upload?
        /// An UPLOAD_BEGIN of this round's dataset exists in the store (must be false when unselected).
        var datasetUploadBegun: Bool
        var datasetOutage: Bool
        var resumes: Int
    }

    /// A committed upload as the store holds it.
    struct Upload: Codable, Sendable {
        var samples: Int
        var bytes: Int
        var sha256: String
        /// Bits it stands for on the emulated uplink (V_k per sample).
        var emulatedBits: Double
        /// When it was committed, in emulated seconds after its stage started (wall × time scale).
        var arrivalSeconds: Double
    }

    var round: UInt64
    var solver: String
    var pilotScheme: String
    var timeScale: Double
    var roundSeconds: Double
    var pilotSeconds: Double?
    var powerSumW: Double
    var powerMaxW: Double
    /// Σ x_k π̃_k of the solver's selection.
    var objective: Double?
    /// Σ x_k π̃_k over the datasets that arrived complete.
    var collectedObjective: Double?
    /// Σ x_k π_k (true losses) over the datasets that arrived complete.
    var collectedTrueLoss: Double?
    var solverSeconds: Double?
    var solverIterations: Int?
    var solverFeasible: Bool?
    var solverMaxViolation: Double?
    var stageTwoPowerW: Double
    var predictionWallSeconds: Double?
    /// Wall seconds from the end of stage 2 to the end of aggregation (true losses, images, catalog).
    var aggregationWallSeconds: Double?
    /// Mean |π̃_k − π_k| / π_k over collectors with a prediction and a true loss.
    var meanAbsolutePredictionError: Double?
    var pilotOutages: Int
    var datasetOutages: Int
    var samplesAggregated: Int
    var wallSeconds: Double
    /// Why the round stopped early, if it did.
    var failure: String?
    /// The stage-2 instance the solver got (appendix JSON, T0 pinned), for `gs-lab solve`.
    var instance: STTGSInstance?
    var collectors: [Collector]

    /// Writes `round-<r>.json` and `round-<r>.txt` into `directory`.
    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder.daemonStyle(pretty: true)
        // Atomic: the training service rewrites the report while the daemon may be killed.
        try encoder.encode(self).write(to: URL(fileURLWithPath: "\(directory)/round-\(round).json"), options: .atomic)
        try table.write(toFile: "\(directory)/round-\(round).txt", atomically: true, encoding: .utf8)
    }

    /// Adds the model version STT-GS step 8 trained on round `round`'s data to its report (as
    /// `trained_model`) and its table, when the report exists. The report's other fields are
    /// kept as written (the JSON is edited, not re-decoded).
    static func addTrainedModel(_ model: ModelVersion, round: Int, directory: String) throws {
        let path = "\(directory)/round-\(round).json"
        guard let data = FileManager.default.contents(atPath: path),
            var report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return }
        report["trained_model"] = try JSONSerialization.jsonObject(with: JSONEncoder.daemonStyle().encode(model))
        try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: path), options: .atomic)
        let tablePath = "\(directory)/round-\(round).txt"
        let table = (try? String(contentsOfFile: tablePath, encoding: .utf8)) ?? ""
        try (table + trainedModelLine(model)).write(toFile: tablePath, atomically: true, encoding: .utf8)
    }

    /// The table's line for a trained model version.
    static func trainedModelLine(_ model: ModelVersion) -> String {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        return "trained model version \(model.version) (parent \(model.parent.map(String.init) ?? "-")): \(model.iterations) iterations on "
            + "\(model.trainingSamples) samples of rounds \(model.rounds.map(String.init).joined(separator: ",")), held-out PSNR "
            + "\(number(model.psnrBefore, "%.2f")) → \(number(model.psnrAfter, "%.2f")) dB, SSIM \(number(model.ssimBefore, "%.4f")) → "
            + "\(number(model.ssimAfter, "%.4f")) on \(model.heldOutSamples) views, \(model.promoted ? "promoted" : "not promoted")\n"
    }

    /// The printed form: a header line and one row per collector.
    var table: String {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        var lines = [
            "STT-GS round \(round): solver \(solver), pilots \(pilotScheme), T = \(number(roundSeconds, "%.3g")) s, "
                + "T0 = \(number(pilotSeconds, "%.4g")) s, Σxπ̃ = \(number(objective, "%.5g")) "
                + "(collected \(number(collectedObjective, "%.5g")), true \(number(collectedTrueLoss, "%.5g"))), "
                + "solver \(number(solverSeconds.map { $0 * 1000 }, "%.2f")) ms, stage-2 power \(String(format: "%.3e", stageTwoPowerW)) W "
                + "(P_sum \(powerSumW), P_max \(powerMaxW)), outages pilot \(pilotOutages) / dataset \(datasetOutages)"
                + (failure.map { ", FAILED: \($0)" } ?? ""),
            "client                 link   π̃_k      π_k (src)          err      x  power W    pilot B   data B   bits       time s  outages",
        ]
        for c in collectors {
            let time: Double = c.dataset?.arrivalSeconds ?? c.pilot?.arrivalSeconds ?? 0
            let bits: Double = (c.pilot?.emulatedBits ?? 0) + (c.dataset?.emulatedBits ?? 0)
            let pilotBytes: Int = c.pilot?.bytes ?? 0, dataBytes: Int = c.dataset?.bytes ?? 0
            lines.append(
                c.client.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(format: " %4u ", c.link)
                    + number(c.predictedLoss, "%8.4f").padding(toLength: 9, withPad: " ", startingAt: 0)
                    + number(c.trueLoss, "%8.4f") + " (" + (c.trueLossSource ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0) + ") "
                    + number(c.predictionError.map { $0 * 100 }, "%+6.1f%%").padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(
                        format: " %ld %9.3e %8ld %8ld %10.3e %8.3f %4ld", c.selected ? 1 : 0, c.powerW, pilotBytes, dataBytes, bits, time,
                        (c.pilotOutage ? 1 : 0) + (c.datasetOutage ? 1 : 0)))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
