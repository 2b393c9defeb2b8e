/// The rasteriser with its reverse pass: ``forward(_:camera:options:)`` renders exactly what
/// ``GaussianRasterizer`` renders and keeps, per pixel, the final transmittance and the number of
/// tile-list entries consumed up to its last contributor (as the published rasterisers do);
/// ``backward(_:pixelGradient:into:)`` then turns ∂loss/∂pixel into ∂loss/∂parameter for every
/// Gaussian (Kerbl et al. 2023).
///
/// Gradients are deterministic for any thread count: tiles write per-pair partial gradients,
/// which are added per Gaussian in tile order, and each Gaussian's projection is reversed by one
/// worker. An instance is not thread-safe and keeps its buffers between frames.
public final class DifferentiableRasterizer {
    private let base = GaussianRasterizer()
    private var transmittance: [Float] = []
    private var contributors: [Int32] = []
    private var pairGradients: [SplatGradient] = []
    private var slotGradients: [SplatGradient] = []
    private var frame: FrameConstants?
    private var options = RenderOptions()
    private var sceneCount = 0

    /// A rasteriser with empty buffers.
    public init() {}

    /// What the last forward did: visible Gaussians and Gaussian–tile pairs.
    public var lastFrameStatistics: GaussianRasterizer.FrameStatistics { base.lastFrameStatistics }

    /// Renders `scene` (unclamped values, `options.background` behind) and keeps what the reverse
    /// pass needs. The spatial-cell cache is not used: a trained scene changes every iteration.
    public func forward(_ scene: GaussianScene, camera: Camera, options: RenderOptions) -> RGBImage {
        let frame = FrameConstants(camera: camera, options: options, sceneDegree: scene.shDegree)
        base.prepare(scene, frame: frame, threads: options.threads, usesCells: false)
        let pixels = camera.width * camera.height
        if transmittance.count != pixels {
            transmittance = [Float](repeating: 1, count: pixels)
            contributors = [Int32](repeating: 0, count: pixels)
        }
        var image = RGBImage(width: camera.width, height: camera.height)
        image.pixels.withUnsafeMutableBufferPointer { out in
            transmittance.withUnsafeMutableBufferPointer { t in
                contributors.withUnsafeMutableBufferPointer { n in
                    var target = TileTarget(
                        pixels: out.baseAddress!, alpha: nil, width: camera.width, height: camera.height,
                        tilesX: frame.tilesX, background: options.background)
                    target.transmittance = t.baseAddress!
                    target.contributors = n.baseAddress!
                    base.blendTiles(frame: frame, threads: options.threads, into: target)
                }
            }
        }
        self.frame = frame
        self.options = options
        sceneCount = scene.count
        return image
    }

    /// The gradient of a loss with respect to `scene`'s parameters, given ∂loss/∂pixel
    /// (`3·width·height` values, RGB interleaved) for the image of the last ``forward(_:camera:options:)``,
    /// which must have rendered this same scene. Overwrites `gradient` (resized to the scene).
    public func backward(_ scene: GaussianScene, pixelGradient: [Float], into gradient: inout SceneGradient) {
        guard let frame else { preconditionFailure("backward needs a forward first") }
        precondition(scene.count == sceneCount, "backward called with another scene than the forward")
        precondition(pixelGradient.count == 3 * frame.camera.width * frame.camera.height, "pixel gradient size")
        gradient.reset(for: scene)
        guard scene.count > 0 else { return }
        let threads = options.threads
        let tileCount = frame.tilesX * frame.tilesY
        let pairs = base.lastFrameStatistics.tilePairs
        if pairGradients.count < max(pairs, 1) { pairGradients = [SplatGradient](repeating: SplatGradient(), count: max(pairs, 1)) }
        if slotGradients.count < scene.count { slotGradients = [SplatGradient](repeating: SplatGradient(), count: scene.count) }
        // Slots hold Gaussians in scene order, so ascending slots read the scene's arrays
        // (SH above all) front to back instead of in depth order, which misses the cache.
        let slots = base.visibleSlots.sorted()
        base.withPreparedFrame { lists, indices in
            pixelGradient.withUnsafeBufferPointer { dPixel in
                transmittance.withUnsafeBufferPointer { t in
                    contributors.withUnsafeBufferPointer { n in
                        pairGradients.withUnsafeMutableBufferPointer { pairBuffer in
                            let target = TileBackwardTarget(
                                pixelGradient: dPixel.baseAddress!, transmittance: t.baseAddress!, contributors: n.baseAddress!,
                                width: frame.camera.width, height: frame.camera.height, tilesX: frame.tilesX,
                                background: options.background, pairGradients: pairBuffer.baseAddress!)
                            GaussianRasterizer.forEachWorker(threads: threads, items: tileCount) { worker, workers in
                                let pass = TileBackward()
                                for tile in stride(from: worker, to: tileCount, by: workers) {
                                    pass.backward(tile: tile, lists: lists, target: target)
                                }
                            }
                        }
                    }
                }
            }
            reducePairs(lists: lists, tileCount: tileCount, slots: slots)
            scene.withUnsafeView { view in
                guard let view else { return }
                slotGradients.withUnsafeBufferPointer { perSlot in
                    gradient.withUnsafePointers { out in
                        let slotGradient = UnsafeSendablePointer(UnsafeMutablePointer(mutating: perSlot.baseAddress!))
                        let index = UnsafeSendablePointer(UnsafeMutablePointer(mutating: indices))
                        slots.withUnsafeBufferPointer { visible in
                            let list = UnsafeSendablePointer(UnsafeMutablePointer(mutating: visible.baseAddress!))
                            let count = visible.count
                            GaussianRasterizer.forEachWorker(threads: threads, items: count) { worker, workers in
                                let chunk = (count + workers - 1) / workers
                                for k in (worker * chunk)..<min(count, (worker + 1) * chunk) {
                                    let slot = Int(list.pointer[k])
                                    ProjectedGaussian.backward(
                                        Int(index.pointer[slot]), of: view, frame: frame,
                                        splat: slotGradient.pointer[slot], into: out)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds the per-pair gradients into one per visible slot, tile by tile in order, so the sums
    /// do not depend on how tiles were spread over workers.
    private func reducePairs(lists: TileLists, tileCount: Int, slots: [UInt32]) {
        slotGradients.withUnsafeMutableBufferPointer { perSlot in
            for slot in slots { perSlot[Int(slot)] = SplatGradient() }
            pairGradients.withUnsafeBufferPointer { pairs in
                for entry in 0..<Int(lists.starts[tileCount]) {
                    perSlot[Int(lists.entries[entry])] += pairs[entry]
                }
            }
        }
    }
}
