/// One step of the resumable upload protocol (BEGIN, CHUNK, END, or where to resume), the same
/// whichever transport carried it: UPLOAD_* frames or the `/v1/uploads` routes.
enum UploadOperation: Sendable, Equatable {
    case begin(UploadKey, totalSize: UInt64, sha256: [UInt8])
    case chunk(UploadKey, offset: UInt64, bytes: [UInt8])
    case end(UploadKey)
    case progress(UploadKey)

    /// What an operation leaves behind.
    enum Outcome: Sendable {
        /// Where the upload stands (BEGIN, CHUNK, progress).
        case progress(UploadProgress)
        /// END verified and committed it.
        case committed(CommittedUpload)

        /// The ACK value of the binary protocol: the durable offset, or the committed size.
        var acknowledgedValue: UInt64 {
            switch self {
            case .progress(let progress): UInt64(progress.durableOffset)
            case .committed(let upload): UInt64(upload.size)
            }
        }
    }
}

/// Runs upload operations on the store and counts them, once for both transports.
struct UploadService: Sendable {
    let store: UploadStore
    let metrics: ServerMetrics

    /// Performs `operation`; a refusal is counted (`edge_upload_rejections_total`) and rethrown.
    func perform(_ operation: UploadOperation) async throws(UploadStoreError) -> UploadOperation.Outcome {
        do {
            switch operation {
            case .begin(let key, let totalSize, let sha256):
                return .progress(try await store.begin(key, totalSize: totalSize, sha256: sha256))
            case .chunk(let key, let offset, let bytes):
                let progress = try await store.write(key, offset: offset, bytes: bytes)
                metrics.uploadBytes.increment(by: bytes.count)
                return .progress(progress)
            case .end(let key):
                let committed = try await store.finish(key)
                metrics.uploadsCommitted.increment()
                return .committed(committed)
            case .progress(let key):
                return .progress(try await store.progress(key))
            }
        } catch {
            metrics.uploadRejected(error.code.rawValue)
            throw error
        }
    }
}
