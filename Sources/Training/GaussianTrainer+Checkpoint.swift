import Foundation
import Renderer

/// Checkpoints: everything a run needs to continue bit-identically — the scene, Adam's moments
/// (kept as scenes, so PLY round trips, which are bit-exact, store them), the densification
/// statistics, the step, SH degree, epoch and the rest of the epoch's view order. Random draws
/// are keyed by seed and step (``RandomStream``), so no generator state is stored.
extension GaussianTrainer {
    struct CheckpointState: Codable {
        var iteration: Int
        var activeSHDegree: Int
        var epoch: Int
        var viewOrder: [Int]
        var views: Int
        var gaussians: Int
    }

    /// Writes the checkpoint into `directory` (created if needed; its files are replaced).
    public func writeCheckpoint(to directory: String) throws {
        let root = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try scene.writePLY(to: root.appendingPathComponent("scene.ply").path)
        try firstMoment.writePLY(to: root.appendingPathComponent("adam-first.ply").path)
        try secondMoment.writePLY(to: root.appendingPathComponent("adam-second.ply").path)
        var statistics = Data()
        for array in [gradientSum, gradientViews, maxScreenRadius] {
            array.withUnsafeBytes { statistics.append(contentsOf: $0) }
        }
        try statistics.write(to: root.appendingPathComponent("statistics.f32"))
        let state = CheckpointState(
            iteration: iteration, activeSHDegree: activeSHDegree, epoch: epoch, viewOrder: viewOrder,
            views: views.count, gaussians: scene.count)
        try JSONEncoder().encode(state).write(to: root.appendingPathComponent("state.json"))
    }

    /// A trainer that continues the run checkpointed in `directory` on the same `views` and
    /// `configuration` (the seed and schedules must be the run's own for a bit-identical result).
    public convenience init(resumingFrom directory: String, views: [TrainingView], configuration: TrainingConfiguration) throws {
        let root = URL(fileURLWithPath: directory)
        func file(_ name: String) throws -> String {
            let path = root.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { throw TrainingError(.missingFile, "checkpoint file \(path) does not exist") }
            return path
        }
        guard let stateData = FileManager.default.contents(atPath: try file("state.json")),
            let state = try? JSONDecoder().decode(CheckpointState.self, from: stateData)
        else {
            throw TrainingError(.malformed, "\(directory)/state.json is not a checkpoint state")
        }
        let scene = try GaussianScene(contentsOfPLY: try file("scene.ply"))
        guard state.views == views.count, scene.count == state.gaussians, state.viewOrder.allSatisfy(views.indices.contains) else {
            throw TrainingError(
                .mismatchedSize,
                "checkpoint of \(state.gaussians) Gaussians on \(state.views) views does not fit \(scene.count) Gaussians on \(views.count) views")
        }
        try self.init(scene: scene, views: views, configuration: configuration)
        firstMoment = try GaussianScene(contentsOfPLY: try file("adam-first.ply")).withSHDegree(self.scene.shDegree)
        secondMoment = try GaussianScene(contentsOfPLY: try file("adam-second.ply")).withSHDegree(self.scene.shDegree)
        let n = scene.count
        guard let statistics = FileManager.default.contents(atPath: try file("statistics.f32")), statistics.count == 12 * n,
            firstMoment.count == n, secondMoment.count == n
        else {
            throw TrainingError(.malformed, "\(directory): moments or statistics do not match the scene's \(n) Gaussians")
        }
        let values = statistics.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        gradientSum = Array(values[0..<n])
        gradientViews = Array(values[n..<(2 * n)])
        maxScreenRadius = Array(values[(2 * n)...])
        iteration = state.iteration
        activeSHDegree = state.activeSHDegree
        epoch = state.epoch
        viewOrder = state.viewOrder
    }
}
