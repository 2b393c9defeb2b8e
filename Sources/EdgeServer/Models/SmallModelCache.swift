import Crypto
import Foundation
import Renderer

/// The distilled small models in the data directory: `models/small-<version>.ply` (the model of
/// large version `<version>`) and its record `models/small-<version>.json`
/// (``SmallModelRecord``), so that a restart loads the model instead of distilling it again.
///
/// Both files are written to temporary files, fsynced and renamed, the PLY first
/// (``DurableFile/replaceAll(_:directory:)``); the record names the PLY's SHA-256, so a crash
/// between the renames, a damaged file or a model made with other settings is never trusted:
/// ``load(largeVersion:recipe:)`` refuses it and the model is distilled again.
struct SmallModelCache: Sendable {
    /// Validates the PLY like any model file (size, header, values, Gaussian count).
    let repository: ModelRepository

    func plyPath(largeVersion: Int) -> String { repository.directory + "/small-\(largeVersion).ply" }
    func recordPath(largeVersion: Int) -> String { repository.directory + "/small-\(largeVersion).json" }

    /// The cached model of `largeVersion` made with `recipe`, or nil when none was stored.
    ///
    /// - Throws: `ModelError` when the files are there but unusable: unreadable or malformed
    ///   (`.unreadable`, `.malformed`, `.tooLarge`), or not what the record and `recipe` say (`.stale`).
    func load(largeVersion: Int, recipe: SmallModelRecord.Recipe) throws(ModelError) -> (model: SmallModel, record: SmallModelRecord)? {
        let path = plyPath(largeVersion: largeVersion)
        guard let recordBytes = try read(recordPath(largeVersion: largeVersion)) else { return nil }
        let record: SmallModelRecord
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            record = try decoder.decode(SmallModelRecord.self, from: Data(recordBytes))
        } catch {
            throw ModelError(.malformed, "'\(recordPath(largeVersion: largeVersion))': \(error)")
        }
        guard record.largeVersion == largeVersion, record.recipe == recipe else {
            throw ModelError(.stale, "'\(path)' was made from version \(record.largeVersion) with \(record.recipe), not \(recipe)")
        }
        guard let bytes = try read(path) else { throw ModelError(.unreadable, "'\(path)' is missing") }
        guard Self.digest(bytes) == record.sha256 else { throw ModelError(.stale, "'\(path)' does not have the SHA-256 its record names") }
        let scene = try repository.load(path: path)
        guard scene.shDegree == 0, scene.count == record.gaussians else {
            throw ModelError(.stale, "'\(path)' holds \(scene.count) Gaussians of SH degree \(scene.shDegree), not \(record.gaussians) of 0")
        }
        return (SmallModel(scene: scene, halfPrecision: false), record)
    }

    /// Stores `model` with `record` (its digest and count filled in here), durably.
    ///
    /// - Throws: `ModelError(.storage)`.
    @discardableResult
    func store(_ model: SmallModel, _ draft: SmallModelRecord) throws(ModelError) -> SmallModelRecord {
        let bytes = Array(model.scene.plyData())
        var record = draft
        record.sha256 = Self.digest(bytes)
        record.gaussians = model.scene.count
        do {
            let json = Array(try JSONEncoder.daemonStyle(pretty: true).encode(record))
            try DurableFile.makeDirectories(repository.directory)
            try DurableFile.replaceAll(
                [(plyPath(largeVersion: record.largeVersion), bytes), (recordPath(largeVersion: record.largeVersion), json)],
                directory: repository.directory)
        } catch {
            throw ModelError(.storage, "small model of version \(record.largeVersion): \(error)")
        }
        return record
    }

    private func read(_ path: String) throws(ModelError) -> [UInt8]? {
        do {
            return try DurableFile.readAll(path)
        } catch {
            throw ModelError(.unreadable, "'\(path)': \(error)")
        }
    }

    private static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
