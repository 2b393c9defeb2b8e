import Renderer

/// The world both ends of a run share: the procedural world (memory, reality, virtual layer)
/// and the small model render users run locally, all derived from a seed and a size, so that
/// edge-serverd and client-sim build identical scenes without exchanging them. The edge may
/// replace the large model (a scene file, a trained version); reality stays the procedural one.
public struct SlotWorld: Sendable {
    /// The procedural world.
    public let world: ProceduralWorld
    /// The small model (ECO-GS): the memory scene pruned to `smallFraction` of its Gaussians,
    /// unless replaced (edge-serverd's distilled one, ``replacingSmall(with:)``).
    public let small: SmallModel
    /// The large model: the edge's GS memory (the procedural memory scene unless replaced).
    public let large: GaussianScene

    /// Builds the world `seed` with about `gaussianCount` Gaussians (SH degree 1 keeps renders
    /// cheap) and its small model.
    ///
    /// - Throws: `RendererError` for a fraction outside (0, 1].
    public init(seed: UInt64, gaussianCount: Int, smallFraction: Double) throws {
        world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: gaussianCount, shDegree: 1))
        small = try SceneCompressor.compress(world.memoryScene, target: .fraction(smallFraction), compensatesArea: true)
        large = world.memoryScene
    }

    private init(world: ProceduralWorld, small: SmallModel, large: GaussianScene) {
        self.world = world
        self.small = small
        self.large = large
    }

    /// This world with `scene` as its large model; reality, the virtual layer and the small
    /// model are unchanged.
    public func replacingLarge(with scene: GaussianScene) -> SlotWorld {
        SlotWorld(world: world, small: small, large: scene)
    }

    /// This world with `model` as the users' small model; reality, the virtual layer and the
    /// large model are unchanged.
    public func replacingSmall(with model: SmallModel) -> SlotWorld {
        SlotWorld(world: world, small: model, large: large)
    }
}
