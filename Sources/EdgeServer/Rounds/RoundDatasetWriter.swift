import Foundation
import SlotModel

/// Aggregates collected samples into the edge's training set E = E′ ∪ pilots ∪ selected
/// datasets: each image as `dataset/round-<r>/<client>/<index>.png` in the data directory
/// (written atomically and fsynced) and a catalog `sample` row with its pose and edge loss.
/// Rows are keyed by (round, client, index), so aggregating an upload twice adds nothing.
struct RoundDatasetWriter: Sendable {
    let dataDirectory: String
    let catalog: Catalog

    /// Writes `samples` of `client` (with their losses) and returns how many rows were new.
    func add(round: UInt64, client: String, kind: String, samples: [CollectedSample], losses: [Double?]) throws -> Int {
        let relative = "dataset/round-\(round)/\(client)"
        let directory = dataDirectory + "/" + relative
        try DurableFile.makeDirectories(directory)
        var rows: [CatalogSample] = [], files: [(path: String, bytes: [UInt8])] = []
        for (sample, loss) in zip(samples, losses) {
            guard let loss else { continue }
            let name = "\(relative)/\(sample.index).png"
            files.append((dataDirectory + "/" + name, Array(try sample.image.pngData())))
            let p = sample.pose.position, q = sample.pose.orientation
            rows.append(
                CatalogSample(
                    round: Int64(round), clientID: client, sampleIndex: sample.index, kind: kind, path: name,
                    pose: [p.x, p.y, p.z, q.x, q.y, q.z, q.w], loss: loss))
        }
        // The images are durable before the catalog points at them.
        try DurableFile.replaceAll(files, directory: directory)
        return try catalog.record(samples: rows)
    }
}
