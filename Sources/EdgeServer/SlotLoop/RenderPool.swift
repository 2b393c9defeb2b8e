import NIOConcurrencyHelpers
import Renderer

/// A bounded worker pool for the slot loop's renders: at most `workers` child tasks run at once,
/// so a slot with many users cannot oversubscribe the cores the event loops also need. Each job
/// gets a rasterizer that earlier jobs used, so its scratch buffers (one projected entry per
/// Gaussian, sort keys, tile lists) are reused rather than allocated and zeroed per render.
struct RenderPool: Sendable {
    let workers: Int
    private let shelf = RasterizerShelf()

    init(workers: Int) { self.workers = workers }

    /// `body` applied to every item with a rasterizer of its own for the call, results in item order.
    func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item, GaussianRasterizer) -> Result
    ) async -> [Result] {
        let shelf = self.shelf
        return await withTaskGroup(of: (Int, Result).self) { group in
            var results = [Result?](repeating: nil, count: items.count)
            var next = 0
            while next < min(workers, items.count) {
                let index = next
                group.addTask { (index, shelf.withRasterizer { body(items[index], $0) }) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < items.count {
                    let submitted = next
                    group.addTask { (submitted, shelf.withRasterizer { body(items[submitted], $0) }) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}

/// Idle rasterizers between jobs. A rasterizer is not thread-safe: it is taken off the shelf
/// for exactly one job at a time (under the lock) and put back after, so no two threads ever
/// share one — which is why the unchecked `Sendable` holds.
final class RasterizerShelf: @unchecked Sendable {
    private let idle = NIOLockedValueBox<[GaussianRasterizer]>([])

    func withRasterizer<Result>(_ body: (GaussianRasterizer) -> Result) -> Result {
        let rasterizer = idle.withLockedValue { $0.popLast() } ?? GaussianRasterizer()
        defer { idle.withLockedValue { $0.append(rasterizer) } }
        return body(rasterizer)
    }
}
