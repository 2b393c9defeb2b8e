import Renderer

/// The world both ends of a run share: the procedural world (memory, reality, virtual layer)
/// and the small model render users run locally, all derived from a seed and a size, so that
/// edge-serverd and client-sim build identical scenes without exchanging them.
public struct SlotWorld: Sendable {
    /// The procedural world.
    public let world: ProceduralWorld
    /// The small model (ECO-GS): the memory scene pruned to `smallFraction` of its Gaussians.
    public let small: SmallModel

    /// Builds the world `seed` with about `gaussianCount` Gaussians (SH degree 1 keeps renders
    /// cheap) and its small model.
    ///
    /// - Throws: `RendererError` for a fraction outside (0, 1].
    public init(seed: UInt64, gaussianCount: Int, smallFraction: Double) throws {
        world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: gaussianCount, shDegree: 1))
        small = try SceneCompressor.compress(world.memoryScene, target: .fraction(smallFraction), compensatesArea: true)
    }

    /// The large model: the edge's GS memory.
    public var large: GaussianScene { world.memoryScene }
}
