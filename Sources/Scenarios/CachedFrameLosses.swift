import Foundation
import Optimizers

/// Memoises another ``FrameLossSource`` by (frames, run), so a sweep that builds the same run's
/// instance at many power budgets and K-factors renders its route only once. When the base is
/// a ``WorldFrameLosses`` the frames' mean squared errors are kept too, for PSNR.
///
/// A reference type behind a lock: the cache is shared by every copy of the source, which is
/// what lets a `Sendable` value (as the protocol requires) fill it from non-mutating calls.
public final class CachedFrameLosses: FrameLossSource, @unchecked Sendable {
    /// The source that computes losses on a cache miss.
    public let base: any FrameLossSource
    private let lock = NSLock()
    private var cache: [Key: Record] = [:]

    private struct Key: Hashable {
        var frames: Int
        var run: Int
    }

    private struct Record {
        var losses: [Double]
        var meanSquaredErrors: [Double]?
    }

    /// A cache in front of `base`.
    public init(_ base: any FrameLossSource) {
        self.base = base
    }

    public var name: String { base.name }

    public func losses(frames: Int, run: Int) throws -> [Double] {
        try record(frames: frames, run: run).losses
    }

    /// The per-frame mean squared error between the two MR frames, if the base measures images
    /// (``WorldFrameLosses``); nil for sources without images.
    public func meanSquaredErrors(frames: Int, run: Int) throws -> [Double]? {
        try record(frames: frames, run: run).meanSquaredErrors
    }

    private func record(frames: Int, run: Int) throws -> Record {
        let key = Key(frames: frames, run: run)
        if let hit = lock.withLock({ cache[key] }) { return hit }
        // Computed outside the lock: rendering is slow and a duplicate computation is harmless.
        let record: Record
        if let world = base as? WorldFrameLosses {
            let comparisons = try world.comparisons(frames: frames, run: run)
            record = Record(losses: comparisons.map(\.loss), meanSquaredErrors: comparisons.map(\.meanSquaredError))
        } else {
            record = Record(losses: try base.losses(frames: frames, run: run), meanSquaredErrors: nil)
        }
        lock.withLock { cache[key] = record }
        return record
    }
}
