import Renderer
import SlotModel

/// The render workers and the scenes they render, as policies and the executor use them: the
/// large model (the edge's GS memory, which FRAMEs show: the serving model version) and the
/// users' small model.
struct SlotRenderer: Sendable {
    let pool: RenderPool
    /// The serving version; a swap applies to the next `map`.
    let models: ServingModel

    /// Renders `world` (as version 1) on `pool`.
    init(pool: RenderPool, world: SlotWorld) {
        self.init(pool: pool, models: ServingModel(version: 1, world: world))
    }

    init(pool: RenderPool, models: ServingModel) {
        self.pool = pool
        self.models = models
    }

    /// The world of the serving version.
    var world: SlotWorld { models.current.world }

    /// `body` applied to every item on the pool's workers, results in item order. The world is
    /// taken once, here: every item renders the version that served when the call began.
    func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item, GaussianRasterizer, SlotWorld) -> Result
    ) async -> [Result] {
        let world = self.world
        return await pool.map(items) { item, rasterizer in body(item, rasterizer, world) }
    }
}
