import NIOConcurrencyHelpers
import Renderer
import SlotModel

/// The model version the edge serves, swapped atomically between renders: every render job
/// takes the world when it is submitted (``SlotRenderer/map(_:_:)``), so renders in flight
/// finish on the version they started with and the next ones use the new one.
final class ServingModel: Sendable {
    /// A version and the world whose large model it is.
    struct Current: Sendable {
        var version: Int
        var world: SlotWorld
    }

    private let state: NIOLockedValueBox<(current: Current, observers: [@Sendable (SlotWorld) -> Void])>

    /// Serves `world` as `version`.
    init(version: Int, world: SlotWorld) {
        state = NIOLockedValueBox((Current(version: version, world: world), []))
    }

    var current: Current { state.withLockedValue { $0.current } }

    /// Calls `observer` with the world now and after every swap (the mixed-reality board keeps its own reference).
    func observe(_ observer: @escaping @Sendable (SlotWorld) -> Void) {
        let world = state.withLockedValue { state in
            state.observers.append(observer)
            return state.current.world
        }
        observer(world)
    }

    /// Serves `version`'s scene from now on (reality, the virtual layer and the small model stay).
    func swap(to version: Int, scene: GaussianScene) {
        update { Current(version: version, world: $0.world.replacingLarge(with: scene)) }
    }

    /// Serves `small` as the users' small model from now on (the version and its large model stay).
    func swapSmall(to small: SmallModel) {
        update { Current(version: $0.version, world: $0.world.replacingSmall(with: small)) }
    }

    /// Replaces the current version by `body`'s, then tells every observer.
    private func update(_ body: (Current) -> Current) {
        let (world, observers) = state.withLockedValue { state in
            state.current = body(state.current)
            return (state.current.world, state.observers)
        }
        for observer in observers { observer(world) }
    }
}
