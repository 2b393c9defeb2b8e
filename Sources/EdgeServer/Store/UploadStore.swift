import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// Durable, resumable, digest-checked uploads in the daemon's data directory.
///
/// Layout under `<data>/uploads/`:
/// - `partial/<client>/<upload>.part` — bytes received so far; only the first `durableOffset`
///   bytes count (anything after them is truncated away on recovery);
/// - `partial/<client>/<upload>.json` — the ``UploadManifest`` (size, digest, durable offset),
///   replaced atomically *after* each chunk's `fsync`, so the offset it records is always on disk;
/// - `complete/<client>/<upload>` — a verified upload, renamed there atomically at END.
///
/// Every chunk is written at its offset and fsynced before it is acknowledged. END re-reads the
/// durable bytes, compares their SHA-256 with BEGIN's digest, and only then renames the file and
/// records it in the ``Catalog``; a mismatch deletes the partial upload, so a bad upload never
/// reaches the catalog. Blocking file I/O runs on a dedicated thread pool, never on an event loop
/// or the cooperative pool.
final class UploadStore: Sendable {
    private let root: String
    private let maxUploadBytes: Int64
    private let catalog: Catalog
    private let threadPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    /// Notified after every commit (END whose digest matched), for those who wait for uploads.
    let commits = ChangeSignal()

    private struct State {
        var open: [UploadKey: OpenUpload] = [:]
        var usage = StoreUsage()
    }

    private struct OpenUpload {
        var manifest: UploadManifest
        var fd: Int32
        var busy = false
    }

    /// Opens the store, creating its folders and recovering partial uploads left by a crash.
    init(dataDirectory: String, maxUploadBytes: Int64, catalog: Catalog, threadPool: NIOThreadPool) throws {
        self.root = dataDirectory + "/uploads"
        self.maxUploadBytes = maxUploadBytes
        self.catalog = catalog
        self.threadPool = threadPool
        try DurableFile.makeDirectories(root + "/partial")
        try DurableFile.makeDirectories(root + "/complete")
        try recover()
    }

    /// Bytes and files held by the store (for `/v1/status`).
    var usage: StoreUsage { state.withLockedValue { $0.usage } }

    /// Starts an upload, or resumes one with the same key, size and digest.
    ///
    /// - Returns: the durable offset the client continues from (the total size when the upload
    ///   is already committed).
    func begin(_ key: UploadKey, totalSize: UInt64, sha256: [UInt8]) async throws(UploadStoreError) -> UploadProgress {
        try key.validate()
        guard sha256.count == SHA256.byteCount else {
            throw UploadStoreError(.invalid, "the digest must be \(SHA256.byteCount) bytes, got \(sha256.count)")
        }
        // Any u64 is legal on the wire; only sizes the store accepts become Int64.
        guard totalSize <= UInt64(maxUploadBytes) else {
            throw UploadStoreError(.size, "total size \(totalSize) is outside 0...\(maxUploadBytes)")
        }
        let totalSize = Int64(totalSize)
        let manifest = UploadManifest(key: key, totalSize: totalSize, sha256Hex: sha256.hexString, durableOffset: 0)
        return try await onThreadPool { () throws(UploadStoreError) in try self.beginBlocking(manifest) }
    }

    /// Writes `bytes` at `offset`, fsyncs, and records the new durable offset.
    ///
    /// A chunk that lies entirely below the durable offset is a retransmission after a lost ACK
    /// and is acknowledged without writing, so a resuming client can never duplicate bytes.
    func write(_ key: UploadKey, offset: UInt64, bytes: [UInt8]) async throws(UploadStoreError) -> UploadProgress {
        // Totals never exceed maxUploadBytes (an Int64), so a larger offset cannot be the
        // durable one, and offset + length of a representable offset cannot overflow.
        guard offset <= UInt64(maxUploadBytes) else {
            throw UploadStoreError(.size, "offset \(offset) lies past the largest upload (\(maxUploadBytes) bytes)")
        }
        let offset = Int64(offset)
        let upload = try claim(key)
        do {
            let (updated, progress) = try await onThreadPool { () throws(UploadStoreError) in
                try self.writeBlocking(upload, offset: offset, bytes: bytes)
            }
            release(key, updated)
            return progress
        } catch {
            release(key, upload)
            throw error
        }
    }

    /// Verifies the SHA-256 of the durable bytes and commits the upload.
    ///
    /// - Throws: `upload_digest` (and forgets the upload) when the digest differs; `upload_size`
    ///   when bytes are missing.
    func finish(_ key: UploadKey) async throws(UploadStoreError) -> CommittedUpload {
        if let committed = try? catalog.upload(key) { return committed }
        let upload = try claim(key)
        do {
            let committed = try await onThreadPool { () throws(UploadStoreError) in try self.finishBlocking(upload) }
            state.withLockedValue { state in
                state.open[key] = nil
                state.usage.partialFiles -= 1
                state.usage.partialBytes -= committed.size
                state.usage.completeFiles += 1
                state.usage.completeBytes += committed.size
            }
            commits.notify()
            return committed
        } catch {
            if error.code == .digest || error.code == .io {
                discard(key, upload)
            } else {
                release(key, upload)
            }
            throw error
        }
    }

    /// Where an upload stands: its durable offset, or its size when committed.
    func progress(_ key: UploadKey) async throws(UploadStoreError) -> UploadProgress {
        if let open = state.withLockedValue({ $0.open[key] }) {
            return UploadProgress(durableOffset: open.manifest.durableOffset, totalSize: open.manifest.totalSize, committed: false)
        }
        if let committed = try catalogUpload(key) {
            return UploadProgress(durableOffset: committed.size, totalSize: committed.size, committed: true)
        }
        throw UploadStoreError(.unknownUpload, "\(key) was never begun")
    }

    /// Where a committed upload's bytes live.
    func path(of key: UploadKey) -> String { completePath(key) }

    /// Closes every open descriptor (the bytes are already durable).
    func close() {
        state.withLockedValue { state in
            for upload in state.open.values { DurableFile.close(upload.fd) }
            state.open.removeAll()
        }
    }

    // MARK: Blocking parts, run on the thread pool

    private func beginBlocking(_ requested: UploadManifest) throws(UploadStoreError) -> UploadProgress {
        let key = requested.key
        if let committed = try catalogUpload(key) {
            guard committed.size == requested.totalSize, committed.sha256Hex == requested.sha256Hex else {
                throw UploadStoreError(.invalid, "\(key) is already committed with a different size or digest")
            }
            return UploadProgress(durableOffset: committed.size, totalSize: committed.size, committed: true)
        }
        if let open = state.withLockedValue({ $0.open[key] }) {
            guard open.manifest.totalSize == requested.totalSize, open.manifest.sha256Hex == requested.sha256Hex else {
                throw UploadStoreError(.invalid, "\(key) is in progress with a different size or digest")
            }
            return UploadProgress(durableOffset: open.manifest.durableOffset, totalSize: open.manifest.totalSize, committed: false)
        }
        let directory = partialDirectory(key)
        try DurableFile.makeDirectories(directory)
        let fd = try DurableFile.open(partialPath(key), create: true)
        do {
            try DurableFile.truncate(fd, to: 0, path: partialPath(key))
            try DurableFile.sync(fd, path: partialPath(key))
            try persist(requested)
        } catch {
            DurableFile.close(fd)
            throw error
        }
        let inserted = state.withLockedValue { state -> Bool in
            guard state.open[key] == nil else { return false }
            state.open[key] = OpenUpload(manifest: requested, fd: fd)
            state.usage.partialFiles += 1
            return true
        }
        if !inserted {
            // Two BEGINs raced; the other one owns the files.
            DurableFile.close(fd)
            return try beginBlocking(requested)
        }
        return UploadProgress(durableOffset: 0, totalSize: requested.totalSize, committed: false)
    }

    private func writeBlocking(
        _ upload: OpenUpload, offset: Int64, bytes: [UInt8]
    ) throws(UploadStoreError) -> (OpenUpload, UploadProgress) {
        let manifest = upload.manifest
        let end = offset + Int64(bytes.count)
        if offset < manifest.durableOffset && end <= manifest.durableOffset {
            return (upload, UploadProgress(durableOffset: manifest.durableOffset, totalSize: manifest.totalSize, committed: false))
        }
        guard offset == manifest.durableOffset else {
            throw UploadStoreError(.offset, "\(manifest.key) continues at offset \(manifest.durableOffset), not \(offset)")
        }
        guard end <= manifest.totalSize else {
            throw UploadStoreError(.size, "a chunk ending at \(end) runs past the total size \(manifest.totalSize)")
        }
        let path = partialPath(manifest.key)
        try DurableFile.write(upload.fd, bytes, at: offset, path: path)
        try DurableFile.sync(upload.fd, path: path)
        var advanced = manifest
        advanced.durableOffset = end
        try persist(advanced)
        var updated = upload
        updated.manifest = advanced
        state.withLockedValue { $0.usage.partialBytes += Int64(bytes.count) }
        return (updated, UploadProgress(durableOffset: end, totalSize: manifest.totalSize, committed: false))
    }

    private func finishBlocking(_ upload: OpenUpload) throws(UploadStoreError) -> CommittedUpload {
        let manifest = upload.manifest
        guard manifest.durableOffset == manifest.totalSize else {
            throw UploadStoreError(.size, "\(manifest.key) has \(manifest.durableOffset) of \(manifest.totalSize) bytes")
        }
        let digest = try sha256(of: upload.fd, length: manifest.totalSize, path: partialPath(manifest.key))
        guard digest == manifest.sha256Hex else {
            throw UploadStoreError(.digest, "\(manifest.key): SHA-256 of the received bytes is \(digest), BEGIN announced \(manifest.sha256Hex)")
        }
        return try commit(manifest, fd: upload.fd)
    }

    /// Renames a verified upload into `complete/`, records it, then drops its manifest; each
    /// step is safe to redo after a crash (see ``recover()``).
    private func commit(_ manifest: UploadManifest, fd: Int32) throws(UploadStoreError) -> CommittedUpload {
        let key = manifest.key
        DurableFile.close(fd)
        let completeDirectory = root + "/complete/" + key.clientID
        try DurableFile.makeDirectories(completeDirectory)
        try DurableFile.rename(partialPath(key), to: completePath(key), directory: completeDirectory)
        let committed = CommittedUpload(
            key: key, size: manifest.totalSize, sha256Hex: manifest.sha256Hex, committedAt: Date())
        do {
            try catalog.record(committed)
        } catch {
            throw UploadStoreError(.io, "catalog: \(error)")
        }
        DurableFile.remove(manifestPath(key))
        return committed
    }

    // MARK: Recovery

    /// Rebuilds the open-upload table from the manifests on disk: each partial file is cut back
    /// to its manifest's durable offset (bytes after it were never acknowledged), and an upload
    /// whose rename happened but whose catalog row did not is re-verified and recorded.
    private func recover() throws {
        var usage = StoreUsage()
        for client in DurableFile.list(root + "/complete") {
            for name in DurableFile.list(root + "/complete/" + client) {
                usage.completeFiles += 1
                usage.completeBytes += fileSize(root + "/complete/" + client + "/" + name)
            }
        }
        var open: [UploadKey: OpenUpload] = [:]
        for client in DurableFile.list(root + "/partial") {
            for name in DurableFile.list(root + "/partial/" + client) where name.hasSuffix(".json") {
                guard let bytes = try DurableFile.readAll(root + "/partial/" + client + "/" + name),
                    let manifest = try? JSONDecoder().decode(UploadManifest.self, from: Data(bytes))
                else { continue }
                let key = manifest.key
                if !DurableFile.exists(partialPath(key)) {
                    if DurableFile.exists(completePath(key)) {
                        try recoverCommit(manifest)
                    }
                    DurableFile.remove(manifestPath(key))
                    continue
                }
                let fd = try DurableFile.open(partialPath(key), create: false)
                try DurableFile.truncate(fd, to: manifest.durableOffset, path: partialPath(key))
                try DurableFile.sync(fd, path: partialPath(key))
                open[key] = OpenUpload(manifest: manifest, fd: fd)
                usage.partialFiles += 1
                usage.partialBytes += manifest.durableOffset
            }
        }
        state.withLockedValue { state in
            state.open = open
            state.usage = usage
        }
    }

    private func recoverCommit(_ manifest: UploadManifest) throws {
        guard try catalog.upload(manifest.key) == nil else { return }
        let fd = try DurableFile.open(completePath(manifest.key), create: false)
        defer { DurableFile.close(fd) }
        let digest = try sha256(of: fd, length: manifest.totalSize, path: completePath(manifest.key))
        guard digest == manifest.sha256Hex else {
            DurableFile.remove(completePath(manifest.key))
            return
        }
        try catalog.record(
            CommittedUpload(key: manifest.key, size: manifest.totalSize, sha256Hex: digest, committedAt: Date()))
    }

    // MARK: Helpers

    private func claim(_ key: UploadKey) throws(UploadStoreError) -> OpenUpload {
        let result: Result<OpenUpload, UploadStoreError> = state.withLockedValue { state in
            guard var upload = state.open[key] else {
                return .failure(UploadStoreError(.unknownUpload, "\(key) was never begun (send UPLOAD_BEGIN first)"))
            }
            guard !upload.busy else { return .failure(UploadStoreError(.busy, "\(key) is being written by another request")) }
            upload.busy = true
            state.open[key] = upload
            return .success(upload)
        }
        return try result.get()
    }

    private func release(_ key: UploadKey, _ upload: OpenUpload) {
        state.withLockedValue { state in
            var released = upload
            released.busy = false
            state.open[key] = released
        }
    }

    private func discard(_ key: UploadKey, _ upload: OpenUpload) {
        DurableFile.close(upload.fd)
        DurableFile.remove(partialPath(key))
        DurableFile.remove(manifestPath(key))
        state.withLockedValue { state in
            state.open[key] = nil
            state.usage.partialFiles -= 1
            state.usage.partialBytes -= upload.manifest.durableOffset
        }
    }

    private func persist(_ manifest: UploadManifest) throws(UploadStoreError) {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(manifest))
        } catch {
            throw UploadStoreError(.io, "encoding the manifest of \(manifest.key): \(error)")
        }
        try DurableFile.replace(manifestPath(manifest.key), with: bytes, directory: partialDirectory(manifest.key))
    }

    private func catalogUpload(_ key: UploadKey) throws(UploadStoreError) -> CommittedUpload? {
        do { return try catalog.upload(key) } catch { throw UploadStoreError(.io, "catalog: \(error)") }
    }

    private func sha256(of fd: Int32, length: Int64, path: String) throws(UploadStoreError) -> String {
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        while offset < length {
            let count = try DurableFile.read(fd, into: &buffer, at: offset, path: path)
            guard count > 0 else { throw UploadStoreError(.size, "\(path) ends at \(offset), expected \(length) bytes") }
            let used = Int(min(Int64(count), length - offset))
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(used))) }
            offset += Int64(used)
        }
        return Array(hasher.finalize()).hexString
    }

    private func fileSize(_ path: String) -> Int64 {
        guard let fd = try? DurableFile.open(path, create: false) else { return 0 }
        defer { DurableFile.close(fd) }
        return (try? DurableFile.size(fd, path: path)) ?? 0
    }

    private func partialDirectory(_ key: UploadKey) -> String { root + "/partial/" + key.clientID }
    private func partialPath(_ key: UploadKey) -> String { partialDirectory(key) + "/" + key.uploadID + ".part" }
    private func manifestPath(_ key: UploadKey) -> String { partialDirectory(key) + "/" + key.uploadID + ".json" }
    private func completePath(_ key: UploadKey) -> String { root + "/complete/" + key.clientID + "/" + key.uploadID }

    private func onThreadPool<T: Sendable>(_ body: @escaping @Sendable () throws(UploadStoreError) -> T) async throws(UploadStoreError) -> T {
        do {
            return try await threadPool.runIfActive { try body() }
        } catch let error as UploadStoreError {
            throw error
        } catch {
            throw UploadStoreError(.io, "the store's thread pool is not running: \(error)")
        }
    }
}
