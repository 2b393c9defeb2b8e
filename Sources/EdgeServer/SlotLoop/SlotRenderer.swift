import Renderer
import SlotModel

/// The render workers and the scenes they render, as policies and the executor use them: the
/// large model (the edge's GS memory, which FRAMEs show) and the users' small model.
struct SlotRenderer: Sendable {
    let pool: RenderPool
    let world: SlotWorld

    /// `body` applied to every item on the pool's workers, results in item order.
    func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item, GaussianRasterizer, SlotWorld) -> Result
    ) async -> [Result] {
        let world = self.world
        return await pool.map(items) { item, rasterizer in body(item, rasterizer, world) }
    }
}
