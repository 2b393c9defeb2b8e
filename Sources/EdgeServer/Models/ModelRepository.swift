import Foundation
import Logging
import Renderer

/// The edge's model versions in the data directory: `models/<version>.ply` plus a catalog row
/// each. A version's file is written to a temporary file, fsynced and renamed (and the directory
/// fsynced) before its row is inserted, so a crash at any point leaves the versions the catalog
/// names intact; a file without a row is an unfinished version, overwritten by the next one.
struct ModelRepository: Sendable {
    let dataDirectory: String
    let catalog: Catalog
    /// Most Gaussians a model may hold (`world.scene_max_gaussians`).
    let maxGaussians: Int

    var directory: String { dataDirectory + "/models" }

    /// Bytes a PLY of `maxGaussians` may take: a header (the reader stops looking for its end
    /// after 1 MiB) and rows of at most 62 properties of at most 8 bytes, plus as much again
    /// for elements other than the vertices.
    var maxFileBytes: Int { (1 << 20) + 2 * 62 * 8 * maxGaussians }

    /// Reads and validates a 3DGS PLY: its size is checked before a byte of it is read, then
    /// the renderer's parser refuses malformed headers, truncation and non-finite values, and
    /// the Gaussian count must lie in 1…`maxGaussians`.
    func load(path: String) throws(ModelError) -> GaussianScene {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw ModelError(.unreadable, "cannot read '\(path)'") }
        let size = Int(info.st_size)
        guard size <= maxFileBytes else {
            throw ModelError(.tooLarge, "'\(path)' has \(size) bytes; world.scene_max_gaussians = \(maxGaussians) allows \(maxFileBytes)")
        }
        let scene: GaussianScene
        do {
            scene = try GaussianScene(contentsOfPLY: path)
        } catch let error as RendererError {
            throw ModelError(error.code == .io ? .unreadable : .malformed, "'\(path)': \(error)")
        } catch {
            throw ModelError(.malformed, "'\(path)': \(error)")
        }
        guard (1...maxGaussians).contains(scene.count) else {
            throw ModelError(.tooLarge, "'\(path)' holds \(scene.count) Gaussians; 1…\(maxGaussians) are served")
        }
        return scene
    }

    /// The model to serve at start: the newest promoted version whose file loads (older ones
    /// in turn when a file was damaged), or — on a data directory without versions — version
    /// 1 made from `initial` (the `world.scene` file, or the procedural memory scene).
    func servingModel(
        initial: () throws(ModelError) -> (scene: GaussianScene, source: String), logger: Logger
    ) throws(ModelError) -> (version: ModelVersion, scene: GaussianScene) {
        removeUnfinishedFiles()
        let versions = try versions()
        for version in versions.reversed() where version.promoted {
            do {
                return (version, try load(path: dataDirectory + "/" + version.path))
            } catch {
                logger.error("model version unusable; trying an older one", metadata: ["version": "\(version.version)", "error": "\(error)"])
            }
        }
        let (scene, source) = try initial()
        if !versions.isEmpty {
            logger.error("no promoted model version loads; serving the initial model as a new version")
        }
        let first = try add(
            scene,
            ModelVersion(
                version: 0, parent: nil, source: source, path: "", gaussians: scene.count, rounds: [], trainingSamples: 0,
                heldOutSamples: 0, iterations: 0, trainingSeconds: 0, promoted: true, createdAt: Date()))
        return (first, scene)
    }

    /// Every version, oldest first.
    func versions() throws(ModelError) -> [ModelVersion] {
        do {
            return try catalog.models()
        } catch {
            throw ModelError(.storage, "catalog: \(error)")
        }
    }

    /// Stores `scene` as the next version described by `draft` (its number, path and count are
    /// filled in here): the file durably first, then the row. Returns the row.
    func add(_ scene: GaussianScene, _ draft: ModelVersion) throws(ModelError) -> ModelVersion {
        var version = draft
        version.version = (try versions().map(\.version).max() ?? 0) + 1
        version.path = "models/\(version.version).ply"
        version.gaussians = scene.count
        do {
            try DurableFile.makeDirectories(directory)
            try DurableFile.replace(dataDirectory + "/" + version.path, with: Array(scene.plyData()), directory: directory)
            try catalog.record(model: version)
        } catch {
            throw ModelError(.storage, "version \(version.version): \(error)")
        }
        return version
    }

    /// Temporary files of writes a crash interrupted.
    private func removeUnfinishedFiles() {
        for name in DurableFile.list(directory) where name.hasSuffix(".tmp") { DurableFile.remove(directory + "/" + name) }
    }
}
