import Dispatch

/// The 3DGS forward rasteriser (Kerbl et al. 2023) on the CPU: per-frame projection of every
/// Gaussian, binning into 16×16 tiles by depth, and front-to-back alpha blending per tile with
/// SIMD rows and early termination.
///
/// An instance keeps its scratch buffers between frames, so a render loop that reuses one
/// rasteriser allocates nothing per frame once the buffers have grown. An instance is not
/// thread-safe; use one per concurrent render loop. The image never depends on
/// `options.threads`: tiles are independent and the depth order is a stable sort.
public final class GaussianRasterizer {
    private var projected: [ProjectedGaussian] = []
    /// The scene index of the Gaussian in each slot of `projected` (read by the reverse pass).
    private var projectedIndices: [UInt32] = []
    private var sortKeys: [UInt32] = []
    private var sortValues: [UInt32] = []
    private var sortScratchKeys: [UInt32] = []
    private var sortScratchValues: [UInt32] = []
    private var tileStarts: [Int32] = []
    private var tileEntries: [UInt32] = []
    /// Spatial cells of the most recently rendered scenes (a render loop alternates between a
    /// few scenes: the memory, small models), most recent first.
    private var sceneCells: [SceneCells] = []
    /// Scenes rendered once: their cells are built at the second render, so one-shot scenes
    /// (e.g. a reality that changes every frame) never pay for them.
    private var scenesSeenOnce: [SceneIdentity] = []
    private var cellIsVisible: [Bool] = []
    /// Scenes whose cells are kept.
    private static let cachedScenes = 4

    /// What the last frame did: visible Gaussians and Gaussian–tile pairs.
    public private(set) var lastFrameStatistics = FrameStatistics()

    /// Counts of one frame.
    public struct FrameStatistics: Sendable, Equatable {
        /// Gaussians that survived culling.
        public var visibleGaussians = 0
        /// Gaussian–tile pairs rasterised.
        public var tilePairs = 0
    }

    /// A rasteriser with empty buffers.
    public init() {}

    /// Renders `scene` as seen by `camera`.
    public func render(_ scene: GaussianScene, camera: Camera, options: RenderOptions = RenderOptions()) -> RGBImage {
        var image = RGBImage(width: camera.width, height: camera.height)
        render(scene, camera: camera, options: options, into: &image)
        return image
    }

    /// Renders into `image`, reusing its storage when its size already matches the camera.
    public func render(_ scene: GaussianScene, camera: Camera, options: RenderOptions = RenderOptions(), into image: inout RGBImage) {
        if image.width != camera.width || image.height != camera.height {
            image = RGBImage(width: camera.width, height: camera.height)
        }
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            renderFrame(scene, camera: camera, options: options, pixels: pixels.baseAddress!, alpha: nil)
        }
    }

    /// Renders and also returns each pixel's accumulated opacity, 1 − final transmittance
    /// (row-major, one value per pixel) — the coverage mask of the scene.
    public func renderWithAlpha(
        _ scene: GaussianScene, camera: Camera, options: RenderOptions = RenderOptions()
    ) -> (image: RGBImage, alpha: [Float]) {
        var image = RGBImage(width: camera.width, height: camera.height)
        var alpha = [Float](repeating: 0, count: camera.width * camera.height)
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            alpha.withUnsafeMutableBufferPointer { alphaBuffer in
                renderFrame(scene, camera: camera, options: options, pixels: pixels.baseAddress!, alpha: alphaBuffer.baseAddress!)
            }
        }
        return (image, alpha)
    }

    private func renderFrame(
        _ scene: GaussianScene, camera: Camera, options: RenderOptions,
        pixels: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>?
    ) {
        let frame = FrameConstants(camera: camera, options: options, sceneDegree: scene.shDegree)
        prepare(scene, frame: frame, threads: options.threads, usesCells: true)
        let target = TileTarget(
            pixels: pixels, alpha: alpha, width: camera.width, height: camera.height,
            tilesX: frame.tilesX, background: options.background)
        blendTiles(frame: frame, threads: options.threads, into: target)
    }

    /// Projects, sorts and bins `scene` for `frame`. `usesCells: false` skips the spatial-cell
    /// cache, which a scene edited in place every iteration (training) would only churn.
    func prepare(_ scene: GaussianScene, frame: FrameConstants, threads: Int, usesCells: Bool) {
        project(scene, frame: frame, threads: threads, usesCells: usesCells)
        binByTileAndDepth(tileCount: frame.tilesX * frame.tilesY, tilesX: frame.tilesX)
    }

    /// Blends every tile of the prepared frame into `target`.
    func blendTiles(frame: FrameConstants, threads: Int, into target: TileTarget) {
        let tileCount = frame.tilesX * frame.tilesY
        withPreparedFrame { lists, _ in
            Self.forEachWorker(threads: threads, items: tileCount) { worker, workers in
                let blender = TileBlender()
                // Interleaved tiles balance the load; each tile is written by one worker.
                for tile in stride(from: worker, to: tileCount, by: workers) {
                    blender.rasterize(tile: tile, lists: lists, into: target)
                }
            }
        }
    }

    /// Runs `body` with the prepared frame's tile lists and the scene index of every slot.
    func withPreparedFrame<Result>(_ body: (TileLists, UnsafePointer<UInt32>) -> Result) -> Result {
        projected.withUnsafeBufferPointer { gaussians in
            tileStarts.withUnsafeBufferPointer { starts in
                tileEntries.withUnsafeBufferPointer { entries in
                    projectedIndices.withUnsafeBufferPointer { indices in
                        body(
                            TileLists(gaussians: gaussians.baseAddress!, starts: starts.baseAddress!, entries: entries.baseAddress!),
                            indices.baseAddress!)
                    }
                }
            }
        }
    }

    /// Sorted slots of the prepared frame's visible Gaussians, front to back.
    var visibleSlots: [UInt32] { sortValues }

    /// Projects every Gaussian of the scene, in parallel over contiguous chunks. Each worker
    /// keeps only the visible ones, packed in index order at the start of its chunk of
    /// `projected` (culled Gaussians, usually most of the scene, cost no write).
    private func project(_ scene: GaussianScene, frame: FrameConstants, threads: Int, usesCells: Bool) {
        let n = scene.count
        if projected.count < max(n, 1) { projected = [ProjectedGaussian](repeating: ProjectedGaussian(), count: max(n, 1)) }
        if projectedIndices.count < max(n, 1) { projectedIndices = [UInt32](repeating: 0, count: max(n, 1)) }
        let workers = max(1, min(threads, n))
        let chunk = (n + workers - 1) / workers
        var visibleCounts = [Int](repeating: 0, count: workers)
        let cells = frame.cullsByRadiusBound && usesCells ? cells(of: scene) : nil
        if let cells { cells.visibleCells(frame: frame, into: &cellIsVisible) }
        scene.withUnsafeView { view in
            guard let view else { return }
            projected.withUnsafeMutableBufferPointer { output in
                projectedIndices.withUnsafeMutableBufferPointer { indexOutput in
                    visibleCounts.withUnsafeMutableBufferPointer { counts in
                        (cells?.cellOfGaussian ?? []).withUnsafeBufferPointer { cellOf in
                            cellIsVisible.withUnsafeBufferPointer { cellVisible in
                                let out = UnsafeSendablePointer(output.baseAddress!)
                                let indexOut = UnsafeSendablePointer(indexOutput.baseAddress!)
                                let visible = UnsafeSendablePointer(counts.baseAddress!)
                                // (An empty array's buffer may still have a base address.)
                                let filter =
                                    cells == nil
                                    ? CellFilter(cellOfGaussian: nil, cellIsVisible: nil)
                                    : CellFilter(cellOfGaussian: cellOf.baseAddress, cellIsVisible: cellVisible.baseAddress)
                                Self.forEachWorker(threads: workers, items: n) { worker, _ in
                                    let begin = worker * chunk
                                    var kept = begin
                                    for i in begin..<min(n, begin + chunk) {
                                        if let cellOf = filter.cellOfGaussian, !filter.cellIsVisible![Int(cellOf[i])] { continue }
                                        let g = ProjectedGaussian(projecting: i, of: view, frame: frame)
                                        guard g.isVisible else { continue }
                                        out.pointer[kept] = g
                                        indexOut.pointer[kept] = UInt32(i)
                                        kept += 1
                                    }
                                    visible.pointer[worker] = kept - begin
                                }
                            }
                        }
                    }
                }
            }
        }
        collectVisible(chunk: chunk, visibleCounts: visibleCounts)
    }

    /// The scene's cells, from the cache or built now; nil for scenes too small to pay.
    private func cells(of scene: GaussianScene) -> SceneCells? {
        guard scene.count >= SceneCells.minimumGaussians else { return nil }
        if let hit = sceneCells.firstIndex(where: { $0.matches(scene) }) {
            sceneCells.insert(sceneCells.remove(at: hit), at: 0)
            return sceneCells[0]
        }
        guard let seen = scenesSeenOnce.firstIndex(where: { $0.matches(scene) }) else {
            scenesSeenOnce.insert(SceneIdentity(scene), at: 0)
            if scenesSeenOnce.count > Self.cachedScenes { scenesSeenOnce.removeLast() }
            return nil
        }
        scenesSeenOnce.remove(at: seen)
        sceneCells.insert(SceneCells(scene: scene), at: 0)
        if sceneCells.count > Self.cachedScenes { sceneCells.removeLast() }
        return sceneCells[0]
    }

    /// Sorts the packed visible Gaussians by depth (stable, so ties keep index order).
    private func collectVisible(chunk: Int, visibleCounts: [Int]) {
        sortKeys.removeAll(keepingCapacity: true)
        sortValues.removeAll(keepingCapacity: true)
        for (worker, count) in visibleCounts.enumerated() {
            for slot in (worker * chunk)..<(worker * chunk + count) {
                // Depths are > 0, so their IEEE bit patterns order like the values.
                sortKeys.append(projected[slot].depth.bitPattern)
                sortValues.append(UInt32(slot))
            }
        }
        RadixSort.sort(keys: &sortKeys, values: &sortValues, scratchKeys: &sortScratchKeys, scratchValues: &sortScratchValues)
    }

    /// Builds, for every tile, the list of Gaussians touching it in front-to-back order.
    private func binByTileAndDepth(tileCount: Int, tilesX: Int) {
        if tileStarts.count != tileCount + 1 { tileStarts = [Int32](repeating: 0, count: tileCount + 1) }
        projected.withUnsafeBufferPointer { gaussians in
            tileStarts.withUnsafeMutableBufferPointer { starts in
                for t in 0...tileCount { starts[t] = 0 }
                for index in sortValues {
                    let g = gaussians[Int(index)]
                    for ty in Int(g.tileMinY)..<Int(g.tileMaxY) {
                        for tx in Int(g.tileMinX)..<Int(g.tileMaxX) { starts[ty * tilesX + tx + 1] += 1 }
                    }
                }
                for t in 0..<tileCount { starts[t + 1] += starts[t] }
                let pairs = Int(starts[tileCount])
                if tileEntries.count < max(pairs, 1) { tileEntries = [UInt32](repeating: 0, count: max(pairs, 1)) }
                tileEntries.withUnsafeMutableBufferPointer { entries in
                    var cursor = Array(starts[0..<tileCount])
                    for index in sortValues {
                        let g = gaussians[Int(index)]
                        for ty in Int(g.tileMinY)..<Int(g.tileMaxY) {
                            for tx in Int(g.tileMinX)..<Int(g.tileMaxX) {
                                let tile = ty * tilesX + tx
                                entries[Int(cursor[tile])] = index
                                cursor[tile] += 1
                            }
                        }
                    }
                }
                lastFrameStatistics = FrameStatistics(visibleGaussians: sortValues.count, tilePairs: pairs)
            }
        }
    }

    /// Runs `body(worker, workers)` for `workers = min(threads, items)` workers, inline when
    /// there is one.
    static func forEachWorker(threads: Int, items: Int, _ body: @Sendable (Int, Int) -> Void) {
        let workers = max(1, min(threads, items))
        if workers == 1 {
            body(0, 1)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { body($0, workers) }
        }
    }
}

extension GaussianScene {
    /// Renders the scene once with a fresh rasteriser (use a ``GaussianRasterizer`` in loops).
    public func render(camera: Camera, options: RenderOptions = RenderOptions()) -> RGBImage {
        GaussianRasterizer().render(self, camera: camera, options: options)
    }
}

/// Which Gaussians a frame's cells keep; both nil when the scene has no cells.
private struct CellFilter: @unchecked Sendable {
    let cellOfGaussian: UnsafePointer<UInt16>?
    let cellIsVisible: UnsafePointer<Bool>?
}

/// A pointer that may cross into concurrent workers which write disjoint elements.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
