import NIOConcurrencyHelpers
import NIOPosix
import Renderer

/// The render workers of the slot loop and the collection rounds: `workers` threads of their
/// own, taking jobs in the order they were submitted.
///
/// Renders are long CPU work, so they do not run on Swift's cooperative pool: there they would
/// hold its few threads while every connection's task waits, and a FRAME would queue behind
/// those tasks' jobs — on two cores with 200 connections, that made an occasional FRAME 25 ms
/// late. On threads of their own they are scheduled by the kernel like the event loops, and
/// the pool's FIFO queue makes a caller's order its priority (the slot loop submits FRAMEs
/// earliest deadline first).
///
/// Each job gets a rasterizer that earlier jobs used, so its scratch buffers (one projected
/// entry per Gaussian, sort keys, tile lists) and per-scene cells are reused rather than
/// rebuilt per render.
final class RenderPool: Sendable {
    let workers: Int
    private let threads: NIOThreadPool
    private let shelf = RasterizerShelf()

    init(workers: Int) {
        self.workers = workers
        threads = NIOThreadPool(numberOfThreads: workers)
        threads.start()
    }

    /// Threads each of `jobs` renders submitted together should split its tiles over, so that
    /// the workers a slot leaves idle help: `workers / jobs`, at least 1. A 640×480 FRAME takes
    /// tens of milliseconds on one core (docs/PERFORMANCE.md, "Frames at 640×480"), so a slot
    /// serving one user would otherwise leave the other workers' cores idle while its deadline
    /// runs; with as many jobs as workers, each renders on its own thread as before.
    func threadsPerRender(jobs: Int) -> Int {
        max(1, workers / max(jobs, 1))
    }

    deinit {
        // Jobs still queued run to completion; the threads then exit.
        threads.shutdownGracefully { _ in }
    }

    /// `body` applied to every item with a rasterizer of its own for the call, started in item
    /// order, results in item order.
    func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item, GaussianRasterizer) -> Result
    ) async -> [Result] {
        guard !items.isEmpty else { return [] }
        let shelf = self.shelf
        return await withCheckedContinuation { (done: CheckedContinuation<[Result], Never>) in
            let batch = RenderBatch<Result>(count: items.count, done: done)
            for (index, item) in items.enumerated() {
                // A pool that is shutting down calls the job at once on this thread instead
                // (state `.cancelled`); the render is still wanted, so it runs either way.
                threads.submit { _ in batch.finish(index, shelf.withRasterizer { body(item, $0) }) }
            }
        }
    }
}

/// One `map` call's results as its jobs finish; the last one resumes the caller.
private final class RenderBatch<Result: Sendable>: Sendable {
    private let state: NIOLockedValueBox<(results: [Result?], remaining: Int)>
    private let done: CheckedContinuation<[Result], Never>

    init(count: Int, done: CheckedContinuation<[Result], Never>) {
        state = NIOLockedValueBox((results: [Result?](repeating: nil, count: count), remaining: count))
        self.done = done
    }

    func finish(_ index: Int, _ result: Result) {
        let complete: [Result]? = state.withLockedValue { state in
            state.results[index] = result
            state.remaining -= 1
            return state.remaining == 0 ? state.results.map { $0! } : nil
        }
        if let complete { done.resume(returning: complete) }
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
